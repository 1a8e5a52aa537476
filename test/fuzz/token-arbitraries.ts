import fc from "fast-check";

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A string of base64url characters, like one part of a compact JWS. */
export const base64urlSegment = fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 120 });

/** Claims an attacker would want, or junk, laid over a set of good claims. */
export const claimOverrides = fc.record(
  {
    iss: fc.oneof(fc.constant("http://127.0.0.1:8787"), fc.string({ maxLength: 30 })),
    aud: fc.oneof(fc.constant("pk_test_fuzz"), fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })),
    sub: fc.oneof(fc.string({ maxLength: 30 }), fc.integer()),
    exp: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
    nbf: fc.integer(),
    admin: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** One edit to a token's text: change, insert or remove one character, or swap two parts. */
export const tamper: fc.Arbitrary<(token: string) => string> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...BASE64URL, ".", "=", " ", "\u0000")).map(([at, ch]) => (t: string) => {
    const i = at % t.length;
    return t.slice(0, i) + ch + t.slice(i + 1);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...BASE64URL, ".", "=")).map(([at, ch]) => (t: string) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + ch + t.slice(i);
  }),
  fc.nat().map((at) => (t: string) => {
    const i = at % t.length;
    return t.slice(0, i) + t.slice(i + 1);
  }),
  fc.constantFrom<[number, number]>([0, 1], [1, 2], [0, 2]).map(([a, b]) => (t: string) => {
    const parts = t.split(".");
    [parts[a], parts[b]] = [parts[b]!, parts[a]!];
    return parts.join(".");
  }),
);
