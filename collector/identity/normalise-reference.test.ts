import { isIP } from "node:net";
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { ipNetwork, normaliseAddress, normaliseEmail, normaliseIp, normaliseName, normalisePhone } from "./normalise.js";

// The normalisers take fast paths for common input. Their outputs are part of stored keys, so they
// must equal these straightforward versions (the normalisers as first written) for every input.

const reference = {
  email(raw: string): string | undefined {
    const email = raw.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@.]+\.?$/.test(email)) return undefined;
    const at = email.lastIndexOf("@");
    let local = email.slice(0, at);
    let domain = email.slice(at + 1).replace(/\.$/, "");
    const plus = local.indexOf("+");
    if (plus > 0) local = local.slice(0, plus);
    if (domain === "gmail.com" || domain === "googlemail.com") {
      local = local.replace(/\./g, "");
      domain = "gmail.com";
    }
    return local && domain ? `${local}@${domain}` : undefined;
  },
  phone(raw: string, country?: string): string | undefined {
    const trimmed = raw.trim().replace(/^(\+\d{1,3})\s*\(0\)/, "$1");
    const isInternational = trimmed.startsWith("+") || trimmed.startsWith("00");
    let digits = trimmed.replace(/\D/g, "");
    if (trimmed.startsWith("00")) digits = digits.slice(2);
    if (digits.length < 6 || digits.length > 15) return undefined;
    if (isInternational) return `+${digits}`;
    if (country && isSupportedCountry(country)) {
      const parsed = parsePhoneNumberFromString(digits, country as CountryCode);
      if (parsed?.isPossible()) return parsed.number;
    }
    return digits;
  },
  name(raw: string): string | undefined {
    const words = foldText(raw).split(" ").filter(Boolean).sort();
    return words.length > 0 ? words.join(" ") : undefined;
  },
  address(address: { line1?: string; line2?: string; postalCode?: string; city?: string; country?: string }): string | undefined {
    const line1 = foldText(address.line1 ?? "");
    if (!line1) return undefined;
    const postal = (address.postalCode ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
    const country = (address.country ?? "").trim().toUpperCase();
    const line2 = foldText(address.line2 ?? "");
    const city = postal ? "" : foldText(address.city ?? "");
    return [country, postal || city, line1, line2].join("|");
  },
  ip(raw: string): string | undefined {
    let ip = raw.trim();
    if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
    // The one change from the original: text with two "%" is no address (the original threw on "::%1%").
    if (ip.indexOf("%") !== ip.lastIndexOf("%")) return undefined;
    ip = ip.replace(/%[^%]*$/, "");
    const version = isIP(ip);
    if (version === 4) return ip.split(".").map((part) => String(Number(part))).join(".");
    if (version !== 6) return undefined;
    const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    if (mapped) {
      const high = parseInt(mapped[1]!, 16);
      const low = parseInt(mapped[2]!, 16);
      return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
    }
    return canonical;
  },
  ipNetwork(normalisedIp: string): string {
    if (!normalisedIp.includes(":")) return `${normalisedIp.split(".").slice(0, 3).join(".")}.0/24`;
    const [head, tail] = normalisedIp.split("::") as [string, string | undefined];
    const left = head ? head.split(":") : [];
    const right = tail ? tail.split(":") : [];
    const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
    return `${groups.slice(0, 4).join(":")}::/64`;
  },
};

function foldText(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The value or the error a call ends in, so that equal errors compare equal too. */
function outcome<T>(call: () => T): { value: T } | { error: string } {
  try {
    return { value: call() };
  } catch (error) {
    return { error: String(error) };
  }
}

/** Every string of up to `length` pieces, each piece one of `pieces`. */
function combinations(pieces: string[], length: number): string[] {
  let level = [""];
  const all = [""];
  for (let i = 0; i < length; i++) {
    level = level.flatMap((prefix) => pieces.map((piece) => prefix + piece));
    all.push(...level);
  }
  return all;
}

/** A fixed pseudo-random sequence, so a failure can be run again. */
function randomPieces(pieces: string[], count: number, maxPieces: number, seed: number): string[] {
  let state = seed;
  const next = (bound: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % bound;
  };
  return Array.from({ length: count }, () => Array.from({ length: next(maxPieces + 1) }, () => pieces[next(pieces.length)]!).join(""));
}

const SPACES = [" ", "\t", "\n", "\u00a0", "\u2003", "\ufeff", "\u3000"];

describe("normaliseIp and ipNetwork, as the reference", () => {
  const cases = [
    ...["1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.00", "00.0.0.0", "1.2.3", "1.2.3.4.", ".1.2.3.4"],
    ...["1.2.3.4.5", "1..3.4", "1.2.3.4 ", " 1.2.3.4", "\t1.2.3.4\n", "1.2.3.4%eth0", "[1.2.3.4]", "1.2.3.-4", "1.2.3.+4", "１.2.3.4", "1.2.3.٤"],
    ...["9.99.199.249", "250.251.252.253", "300.1.1.1", "1000.1.1.1", "1.2.3.4:80", "a.b.c.d", "", " ", "."],
    ...["::1", "::", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "[2001:db8::1]", "fe80::1%eth0", "fe80::1%25eth0"],
    ...["::ffff:1.2.3.4", "::FFFF:CB00:7107", "0:0:0:0:0:ffff:203.0.113.7", "::ffff:0:0", "::ffff:ffff:ffff", "64:ff9b::1.2.3.4", "::1.2.3.4"],
    ...["2001:db8:85a3:8d3:1319:8a2e:370:7348", "1:2:3:4:5:6:7:8", "1::8", "1:2:3:4::", "2001:db8::1::2", "[::1", "::1]", "[[::1]]"],
    ...["::%1%", "fe80::1%a%b", "1.2.3.4%a%b", "::1%%"], // two "%": no address (the original threw on the first)

  ];
  const generated = [...combinations(["1", "0", "25", "6", ".", ":"], 6), ...randomPieces(["1", "0", "255", "256", "09", ".", ":", "f", "%", " ", "[", "]"], 3000, 12, 1)];

  it.each(cases)("gives the reference's IP and network for %j", (raw) => {
    const ip = outcome(() => normaliseIp(raw));
    expect(ip).toEqual(outcome(() => reference.ip(raw)));
    if ("value" in ip && ip.value !== undefined) expect(ipNetwork(ip.value)).toBe(reference.ipNetwork(ip.value));
  });

  it("gives the reference's IP for generated text, and the reference's network for any text", () => {
    for (const raw of [...cases, ...generated]) {
      expect(outcome(() => normaliseIp(raw)), raw).toEqual(outcome(() => reference.ip(raw)));
      if (!raw.includes(":")) expect(ipNetwork(raw), raw).toBe(reference.ipNetwork(raw));
    }
  });
});

describe("normaliseEmail, as the reference", () => {
  const cases = [
    ...["anna@example.com", " Anna.Berg@Example.COM ", "anna+shop@example.com", "+anna@example.com", "anna+@example.com", "anna@exam+ple.com", "a+b+c@x.se"],
    ...["anna@example.com.", "anna@example.com..", "anna@.com", "anna@example.", "anna@example..com", "anna@@example.com", "anna@b@example.com"],
    ...["Anna.Berg+shop@GoogleMail.com", "a.n.n.a@gmail.com.", "...@gmail.com", ".+x@gmail.com", "anna@gmail.com", "anna@GMAIL.COM", "anna@gmail.co"],
    ...["ÅSA@EXAMPLE.SE", "\u212Aalle@example.com", "İ@example.com", "anna@exa mple.com", "anna\u00a0@example.com", "\u00a0anna@example.com\u2003"],
    ...["", " ", "@", "anna", "anna@", "@example.com", "anna@example", "anna@example.c", "x@y.z.", "x@y.z.w"],
  ];
  const generated = randomPieces(["a", "B", ".", "+", "@", "gmail", "googlemail", "com", " ", "\u00a0", "Å", "-"], 5000, 10, 2);

  it.each(cases)("gives the reference's e-mail for %j", (raw) => {
    expect(normaliseEmail(raw)).toBe(reference.email(raw));
  });

  it("gives the reference's e-mail for generated text", () => {
    for (const raw of generated) expect(normaliseEmail(raw), raw).toBe(reference.email(raw));
  });
});

describe("normalisePhone, as the reference", () => {
  const cases = [
    ...["+46701234567", "+123456", "+12345", "+123456789012345", "+1234567890123456", "+46 70-123 45 67", " +46701234567", "+46701234567 "],
    ...["+46 (0)70 123 45 67", "+46(0)701234567", "0046701234567", "00 46 70 123 45 67", "070-123 45 67", "0701234567", "+4670123456a", "++46701234567"],
    ...["+٤٦٧٠١٢٣٤٥٦٧", "+４６７０１２３４５６７", "+46\u00a0701234567", "", "+", "phone", "(0)", "+1 (0) 234567"],
  ];
  const generated = randomPieces(["+", "0", "00", "46", "7", "123", " ", "-", "(", ")", "(0)", "\u00a0", "x"], 4000, 8, 3);

  it.each(cases)("gives the reference's phone for %j, with and without a country", (raw) => {
    for (const country of [undefined, "SE", "FI", "US", "XX"]) expect(normalisePhone(raw, country)).toBe(reference.phone(raw, country));
  });

  it("gives the reference's phone for generated text", () => {
    for (const raw of generated) {
      expect(normalisePhone(raw), raw).toBe(reference.phone(raw));
      expect(normalisePhone(raw, "SE"), raw).toBe(reference.phone(raw, "SE"));
    }
  });
});

describe("normaliseName and normaliseAddress, as the reference", () => {
  const texts = [
    ...["Anna Berg", "Berg, Anna", "  BERG anna. ", "anna anna", "Anna-Karin Berg", "b a", "a b", "a b c", "c b a", "Ab ab AB", "x", "", ",.-!"],
    ...["Ängsgränd 133", "Östervägen 72", "Zoë Lindqvist-Öhman", "José Müller", "straße", "Æsir Øre", "ĲSSEL", "ŉ", "ǅemal", "½ Street", "Ⅻ 12"],
    ...["Łódź ul. 5", "ı İ", "Ǆ ǆ", "Storgatan 12, lgh 1102", "c/o Berg", "\u00c5\u0301sa", "A\u0301sa", "ﬁne", "日本 東京", "Ἀθῆναι", "Москва 1"],
    ...SPACES.map((space) => `${space}Anna${space}${space}Berg${space}`),
  ];
  const generated = [
    ...combinations(["a", "B", "Å", " ", "-", "\u0301", "ß"], 5),
    ...randomPieces(["anna", "Berg", "Ö", "é", " ", ", ", ".", "1", "½", "\u0301", "Ĳ", "ǅ", "\u00a0", "日", "K", "\u212A"], 3000, 8, 4),
  ];

  it.each(texts)("gives the reference's name for %j", (raw) => {
    expect(normaliseName(raw)).toBe(reference.name(raw));
  });

  it("gives the reference's name for generated text", () => {
    for (const raw of generated) expect(normaliseName(raw), raw).toBe(reference.name(raw));
  });

  it("gives the reference's address for street lines, postal codes and cities written many ways", () => {
    const postalCodes = ["113 56", "11356", " 113-56 ", "SW1A 1AA", "sw1a1aa", "", " ", "\u212A12", "İ1", "Ä-1", "12\u00a034", "١٢٣"];
    const countries = [undefined, "SE", " se ", "gb", "ß", ""];
    for (const line1 of [undefined, ...texts.slice(0, 30)]) {
      for (const postalCode of [undefined, ...postalCodes]) {
        for (const line2 of [undefined, "", "lgh 1102", "LGH 1102", " , "]) {
          const address = { line1, line2, postalCode, city: "Stockholm", country: countries[(line1?.length ?? 0) % countries.length] };
          expect(normaliseAddress(address), JSON.stringify(address)).toBe(reference.address(address));
        }
      }
    }
    for (const raw of generated.slice(0, 1500)) {
      const address = { line1: raw, postalCode: raw, city: raw, country: raw };
      expect(normaliseAddress(address), raw).toBe(reference.address(address));
      expect(normaliseAddress({ line1: raw, city: raw }), raw).toBe(reference.address({ line1: raw, city: raw }));
    }
  });
});
