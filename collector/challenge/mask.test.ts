import { describe, expect, it } from "vitest";
import { maskEmail, maskPhone } from "./mask.js";

describe("masking contacts", () => {
  it("shows an e-mail's first letter and domain only", () => {
    expect(maskEmail("anna.berg@example.com")).toBe("a•••@example.com");
    expect(maskEmail("x@y.se")).toBe("x•••@y.se");
    expect(maskEmail("not-an-address")).toBe("•••");
  });

  it("shows a phone's country code and last two digits only", () => {
    expect(maskPhone("+46701234567")).toBe("+46 •• ••• •• 67");
    expect(maskPhone("+1 212 555 0199")).toBe("+1 ••• ••• ••99");
    expect(maskPhone("070-123 45 67")).toBe("••••••••67");
  });
});
