import { describe, expect, it } from "vitest";
import { emailDomain, ipNetwork, normaliseAddress, normaliseCard, normaliseEmail, normaliseIp, normaliseName, normalisePhone } from "./normalise.js";
import { clientIp } from "../http/client-ip.js";

// A fraudster who varies how they write the same e-mail, phone, name or address must still be
// matched against their earlier attempts; two different shoppers must not be folded together.

describe("normaliseEmail", () => {
  it("folds case and surrounding space", () => {
    expect(normaliseEmail("  Anna.Berg@Example.COM ")).toBe("anna.berg@example.com");
  });

  it("drops +tags for any domain", () => {
    expect(normaliseEmail("anna+shop1@example.com")).toBe("anna@example.com");
    expect(normaliseEmail("anna+shop1+x@example.se")).toBe("anna@example.se");
    expect(normaliseEmail("anna+a@example.com")).toBe(normaliseEmail("anna+b@example.com"));
  });

  it("folds Gmail dots and the googlemail.com alias into one mailbox", () => {
    const canonical = normaliseEmail("annaberg@gmail.com");
    expect(canonical).toBe("annaberg@gmail.com");
    expect(normaliseEmail("anna.berg@gmail.com")).toBe(canonical);
    expect(normaliseEmail("a.n.n.a.b.e.r.g@gmail.com")).toBe(canonical);
    expect(normaliseEmail("Anna.Berg+shop@GoogleMail.com")).toBe(canonical);
  });

  it("keeps dots for other domains, where they name different mailboxes", () => {
    expect(normaliseEmail("anna.berg@example.com")).toBe("anna.berg@example.com");
    expect(normaliseEmail("anna.berg@example.com")).not.toBe(normaliseEmail("annaberg@example.com"));
    expect(normaliseEmail("anna.berg@outlook.com")).not.toBe(normaliseEmail("annaberg@outlook.com"));
  });

  it("keeps different mailboxes apart", () => {
    expect(normaliseEmail("anna@example.com")).not.toBe(normaliseEmail("anna@example.se"));
    expect(normaliseEmail("anna@example.com")).not.toBe(normaliseEmail("ann@example.com"));
  });

  it("ignores a trailing dot on the domain", () => {
    expect(normaliseEmail("anna@example.com.")).toBe("anna@example.com");
  });

  it.each(["", "   ", "anna", "anna.example.com", "@example.com", "anna@", "+tag@", "...@gmail.com", "anna@."])(
    "returns undefined for %j, which is not an e-mail address",
    (raw) => {
      expect(normaliseEmail(raw)).toBeUndefined();
    },
  );

  it.each(["anna@@example.com", "anna@bo@example.com", "anna berg@example.com", "anna@exa mple.com"])(
    "returns undefined for %j (two @ signs or a space inside)",
    (raw) => {
      expect(normaliseEmail(raw)).toBeUndefined();
    },
  );

  it("gives the domain of a normalised e-mail", () => {
    expect(emailDomain(normaliseEmail("Anna@GoogleMail.com")!)).toBe("gmail.com");
    expect(emailDomain("anna@mail.example.se")).toBe("mail.example.se");
  });
});

describe("normalisePhone", () => {
  it("writes +46 70-123 45 67, 0046701234567 and +46701234567 as one number", () => {
    expect(normalisePhone("+46701234567")).toBe("+46701234567");
    expect(normalisePhone("+46 70-123 45 67")).toBe("+46701234567");
    expect(normalisePhone("0046701234567")).toBe("+46701234567");
    expect(normalisePhone(" 00 46 70 123 45 67 ")).toBe("+46701234567");
    expect(normalisePhone("+46 (70) 123.45.67")).toBe("+46701234567");
  });

  it("keeps a national number without a +", () => {
    expect(normalisePhone("070-123 45 67")).toBe("0701234567");
    expect(normalisePhone("0701234567")).toBe("0701234567");
  });

  it("keeps different numbers apart", () => {
    expect(normalisePhone("+46701234567")).not.toBe(normalisePhone("+46701234568"));
    expect(normalisePhone("+46701234567")).not.toBe(normalisePhone("+4670123456"));
  });

  it("accepts 6 to 15 digits and refuses fewer or more", () => {
    expect(normalisePhone("12345")).toBeUndefined();
    expect(normalisePhone("123456")).toBe("123456");
    expect(normalisePhone("+12345")).toBeUndefined();
    expect(normalisePhone("+123456789012345")).toBe("+123456789012345");
    expect(normalisePhone("+1234567890123456")).toBeUndefined();
    expect(normalisePhone("00123456789012345")).toBe("+123456789012345");
    expect(normalisePhone("001234567890123456")).toBeUndefined();
  });

  it.each(["", "   ", "+", "phone", "--"])("returns undefined for %j", (raw) => {
    expect(normalisePhone(raw)).toBeUndefined();
  });
});

describe("normaliseName", () => {
  it("folds case, extra spaces, punctuation and word order", () => {
    const canonical = normaliseName("Anna Berg");
    expect(canonical).toBeDefined();
    expect(normaliseName("anna  berg")).toBe(canonical);
    expect(normaliseName("Berg, Anna")).toBe(canonical);
    expect(normaliseName("  BERG anna. ")).toBe(canonical);
  });

  it("folds every character as Unicode's compatibility decomposition, accent removal and lower case do", () => {
    const reference = (raw: string) => {
      const words = raw.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ").filter(Boolean).sort();
      return words.length > 0 ? words.join(" ") : undefined;
    };
    for (let code = 0; code < 0x600; code++) {
      const char = String.fromCharCode(code);
      for (const raw of [`Anna${char}Berg`, `${char}${char}x`, ` ${char}`, `\u00c5${char}\u0301`]) expect(normaliseName(raw)).toBe(reference(raw));
    }
  });

  it("removes accents, so Åsa and Asa are one name", () => {
    expect(normaliseName("Åsa")).toBe(normaliseName("Asa"));
    expect(normaliseName("Änna Berg")).toBe(normaliseName("Anna Berg"));
    expect(normaliseName("Zoë Lindqvist-Öhman")).toBe(normaliseName("zoe lindqvist ohman"));
    expect(normaliseName("José Müller")).toBe(normaliseName("Jose Muller"));
  });

  it("treats a hyphen like a space", () => {
    expect(normaliseName("Anna-Karin Berg")).toBe(normaliseName("Anna Karin Berg"));
  });

  it("keeps different names apart", () => {
    expect(normaliseName("Anna Berg")).not.toBe(normaliseName("Anna Bergh"));
    expect(normaliseName("Anna Berg")).not.toBe(normaliseName("Anna Karin Berg"));
  });

  it.each(["", "   ", ",.-!", "\t\n"])("returns undefined for %j, which has no name in it", (raw) => {
    expect(normaliseName(raw)).toBeUndefined();
  });
});

describe("normaliseAddress", () => {
  const address = { line1: "Storgatan 12", postalCode: "113 56", city: "Stockholm", country: "SE" };

  it("folds spaces in the postal code, case and punctuation", () => {
    const canonical = normaliseAddress(address);
    expect(canonical).toBeDefined();
    expect(normaliseAddress({ ...address, postalCode: "11356" })).toBe(canonical);
    expect(normaliseAddress({ line1: "STORGATAN 12.", postalCode: " 113-56 ", city: "stockholm", country: "se" })).toBe(canonical);
    expect(normaliseAddress({ ...address, line1: "  storgatan,  12 " })).toBe(canonical);
  });

  it("treats a missing and an empty line2 alike, but a different line2 as another delivery point", () => {
    expect(normaliseAddress({ ...address, line2: "" })).toBe(normaliseAddress(address));
    expect(normaliseAddress({ ...address, line2: "lgh 1102" })).not.toBe(normaliseAddress(address));
    expect(normaliseAddress({ ...address, line2: "LGH 1102" })).toBe(normaliseAddress({ ...address, line2: "lgh 1102" }));
  });

  it("keeps other streets, postal codes and countries apart", () => {
    expect(normaliseAddress({ ...address, line1: "Storgatan 13" })).not.toBe(normaliseAddress(address));
    expect(normaliseAddress({ ...address, postalCode: "113 57" })).not.toBe(normaliseAddress(address));
    expect(normaliseAddress({ ...address, country: "NO" })).not.toBe(normaliseAddress(address));
  });

  it("falls back to the city when there is no postal code", () => {
    const noPostal = { line1: "Storgatan 12", city: "Stockholm", country: "SE" };
    expect(normaliseAddress(noPostal)).toBe(normaliseAddress({ ...noPostal, city: "STOCKHOLM" }));
    expect(normaliseAddress(noPostal)).not.toBe(normaliseAddress({ ...noPostal, city: "Uppsala" }));
  });

  it("returns undefined without a street line", () => {
    expect(normaliseAddress({ postalCode: "113 56", city: "Stockholm", country: "SE" })).toBeUndefined();
    expect(normaliseAddress({ line1: "  ", postalCode: "113 56" })).toBeUndefined();
    expect(normaliseAddress({ line1: ",.", postalCode: "113 56" })).toBeUndefined();
    expect(normaliseAddress({})).toBeUndefined();
  });
});

describe("normaliseIp", () => {
  it("keeps an IPv4 address and trims space", () => {
    expect(normaliseIp("203.0.113.7")).toBe("203.0.113.7");
    expect(normaliseIp(" 203.0.113.7 ")).toBe("203.0.113.7");
  });

  it("writes IPv6 lower-case and compressed", () => {
    expect(normaliseIp("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(normaliseIp("2001:0db8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(normaliseIp("2001:db8::1")).toBe("2001:db8::1");
    expect(normaliseIp("2001:db8::2")).not.toBe(normaliseIp("2001:db8::1"));
  });

  it("writes an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(normaliseIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normaliseIp("::FFFF:CB00:7107")).toBe("203.0.113.7");
    expect(normaliseIp("0:0:0:0:0:ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("accepts an address in brackets", () => {
    expect(normaliseIp("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normaliseIp("[::ffff:203.0.113.7]")).toBe("203.0.113.7");
  });

  it.each(["", "garbage", "203.0.113", "203.0.113.256", "203.0.113.7:443", "2001:db8::1::2", "[203.0.113.7", "example.com"])(
    "returns undefined for %j",
    (raw) => {
      expect(normaliseIp(raw)).toBeUndefined();
    },
  );

  it("does not throw for an IPv6 address with a zone id", () => {
    expect(() => normaliseIp("fe80::1%eth0")).not.toThrow();
  });

  it("takes text with two zone separators for no address, without throwing (an X-Forwarded-For hop may be any text)", () => {
    for (const raw of ["::%1%", "fe80::1%a%b", "::1%%"]) expect(normaliseIp(raw)).toBeUndefined();
    expect(clientIp("10.0.0.1", "203.0.113.7, ::%1%", new Set(["10.0.0.1"]))).toBe("10.0.0.1");
  });
});

describe("ipNetwork", () => {
  it("takes the /24 of an IPv4 address", () => {
    expect(ipNetwork("203.0.113.77")).toBe("203.0.113.0/24");
  });
  it("takes the /64 of an IPv6 address, compressed or not", () => {
    expect(ipNetwork("2001:db8:85a3:8d3:1319:8a2e:370:7348")).toBe("2001:db8:85a3:8d3::/64");
    expect(ipNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipNetwork("::1")).toBe("0:0:0:0::/64");
  });
});

describe("normaliseCard", () => {
  it("joins BIN and last four, and needs both", () => {
    expect(normaliseCard({ cardBin: "457173", cardLast4: "4242" })).toBe("457173:4242");
    expect(normaliseCard({ cardBin: "457173" })).toBeUndefined();
    expect(normaliseCard({})).toBeUndefined();
  });
});

describe("normalisePhone with the order's country", () => {
  it("puts a national number in international form, so both ways of writing it match", () => {
    expect(normalisePhone("070-123 45 67", "SE")).toBe("+46701234567");
    expect(normalisePhone("070-123 45 67", "SE")).toBe(normalisePhone("+46 70 123 45 67"));
    expect(normalisePhone("040 123 4567", "FI")).toBe("+358401234567");
  });
  it("keeps the digits when the number is not possible in that country or there is no country", () => {
    expect(normalisePhone("0701234567")).toBe("0701234567");
    expect(normalisePhone("0701234567", "XX")).toBe("0701234567");
    expect(normalisePhone("+46701234567", "NO")).toBe("+46701234567");
  });
});
