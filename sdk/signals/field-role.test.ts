// Field roles against stand-in elements; the real DOM is exercised in Chromium (test/e2e/signals.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fieldRole } from "./field-role.js";

class FakeInput {
  constructor(
    readonly type: string,
    readonly name = "",
    readonly id = "",
    private readonly autocomplete: string | null = null,
  ) {}
  getAttribute(name: string): string | null {
    return name === "autocomplete" ? this.autocomplete : null;
  }
}
class FakeTextArea extends FakeInput {}

beforeEach(() => {
  vi.stubGlobal("HTMLInputElement", FakeInput);
  vi.stubGlobal("HTMLTextAreaElement", FakeTextArea);
});
afterEach(() => vi.unstubAllGlobals());

const input = (type: string, name = "", id = "", autocomplete: string | null = null) => new FakeInput(type, name, id, autocomplete);

describe("fieldRole", () => {
  it.each([
    ["email", input("email", "x")],
    ["email", input("text", "", "", "shipping email")],
    ["email", input("text", "customerEmailAddress")],
    ["phone", input("tel")],
    ["phone", input("text", "mobile")],
    ["phone", input("text", "", "", "billing tel-national")],
    ["name", input("text", "name", "name", "name")],
    ["name", input("text", "", "", "given-name")],
    ["name", input("text", "last_name")],
    ["address", input("text", "line1", "line1", "address-line1")],
    ["address", input("text", "", "", "postal-code")],
    ["address", input("text", "city")],
    ["address", input("text", "zip")],
    ["address", input("text", "", "", "country-name")],
    ["address", new FakeTextArea("textarea", "street")],
    ["card", input("text", "", "", "cc-number")],
    ["card", input("text", "", "", "cc-name")],
    ["card", input("text", "cardNumber")],
    ["card", input("text", "cvc")],
  ] as const)("%s: %o", (role, element) => {
    expect(fieldRole(element)).toBe(role);
  });

  it("reads autocomplete before the name: an e-mail field named 'name' is an e-mail field", () => {
    expect(fieldRole(input("text", "name", "", "email"))).toBe("email");
  });

  it("ignores other fields, fields that take no text, and passwords", () => {
    expect(fieldRole(input("text", "coupon"))).toBeUndefined();
    expect(fieldRole(input("number", "quantity"))).toBeUndefined();
    expect(fieldRole(input("search", "q"))).toBeUndefined();
    expect(fieldRole(input("password", "password", "", "current-password"))).toBeUndefined();
    expect(fieldRole(input("hidden", "vakt_token"))).toBeUndefined();
    expect(fieldRole(input("checkbox", "newsletter_email"))).toBeUndefined();
    expect(fieldRole({ type: "email" })).toBeUndefined();
    expect(fieldRole(null)).toBeUndefined();
  });
});
