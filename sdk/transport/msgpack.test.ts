import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decode, encode } from "./msgpack.js";

/** The collector's options: the same object encodes and decodes. */
const packr = new Packr({ useRecords: false });
/** msgpackr's default writes every map as map16 and refuses more than 65,535 entries; this one writes fixmap and map32 too. */
const variablePackr = new Packr({ useRecords: false, variableMapSize: true });

/** msgpackr gives Node Buffers for bin; compare them as plain Uint8Arrays. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalise(item)]));
  }
  return value;
}

const EDGE_INTEGERS = [
  0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER,
  -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 40), Number.MIN_SAFE_INTEGER,
];
const FLOATS = [0.5, -0.5, 1.1, Math.PI, -1e-300, 1e300, 0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity];
const STRINGS = [
  "",
  "a",
  "x".repeat(31),
  "x".repeat(32),
  "x".repeat(255),
  "x".repeat(256),
  "y".repeat(65535),
  "y".repeat(65536),
  "z".repeat(70_000),
  "Åsa Öberg, Malmö",
  "日本語のテキスト",
  "emoji 🛒🇸🇪 and a surrogate pair 𝄞",
  "é".repeat(200), // 400 bytes in UTF-8: a str16 although it has fewer than 256 characters
];

function bigMap(size: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: size }, (_, i) => [`key${i}`, i * 3]));
}

const NESTED = {
  t: "signals",
  d: {
    visitorId: "3b71f275a0c0e1d2",
    visitorConfidence: 0.7,
    fingerprintMs: 234,
    webdriver: true,
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0",
    platform: "Linux",
    timezone: "Europe/Stockholm",
    languages: ["sv-SE", "en-US"],
    screen: { width: 1280, height: 720, pixelRatio: 1.5, colorDepth: 24 },
  },
};

function isHugeMap(value: unknown): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 65535;
}

const VALUES: unknown[] = [
  null,
  true,
  false,
  ...EDGE_INTEGERS,
  ...FLOATS,
  ...STRINGS,
  [],
  {},
  [1, "two", 3.5, null, true, [false, { a: [] }]],
  Array.from({ length: 15 }, (_, i) => i),
  Array.from({ length: 16 }, (_, i) => i),
  Array.from({ length: 70_000 }, (_, i) => i % 300),
  bigMap(15),
  bigMap(16),
  bigMap(70_000),
  NESTED,
  { t: "token" },
  { t: "token", sid: "s_9f8e7d", token: "eyJhbGciOiJFZERTQSJ9." + "a".repeat(300) + ".sig", ttlMs: 600_000 },
  { t: "error", code: "too_large", message: "frame exceeds 16384 bytes" },
  { deep: { deeper: { deepest: [[[{ x: -129 }]]] } } },
  new Uint8Array([]),
  new Uint8Array([0, 1, 2, 255]),
  new Uint8Array(300).map((_, i) => i & 255),
  new Uint8Array(70_000).map((_, i) => (i * 7) & 255),
  { bytes: new Uint8Array([9, 8, 7]), list: [new Uint8Array([1])] },
];

describe("msgpack", () => {
  it.each(VALUES.map((value, index) => [index, value]))("our encode → msgpackr unpack (#%i)", (_, value) => {
    expect(normalise(packr.unpack(encode(value)))).toEqual(value);
  });

  it.each(VALUES.map((value, index) => [index, value]))("msgpackr pack → our decode (#%i)", (_, value) => {
    if (!isHugeMap(value)) expect(decode(packr.pack(value))).toEqual(value);
    expect(decode(variablePackr.pack(value))).toEqual(value);
  });

  it.each(VALUES.map((value, index) => [index, value]))("our encode → our decode (#%i)", (_, value) => {
    expect(decode(encode(value))).toEqual(value);
  });

  it("writes the same bytes as msgpackr for numbers, strings, arrays and bin", () => {
    const values = [...EDGE_INTEGERS, ...FLOATS, ...STRINGS, [1, [2, "x"], null, true], new Uint8Array(300)];
    for (const value of values) {
      expect(Buffer.from(encode(value)).equals(packr.pack(value)), String(value).slice(0, 40)).toBe(true);
    }
  });

  it("writes the same bytes as msgpackr's variableMapSize for maps", () => {
    for (const value of [{}, bigMap(15), bigMap(16), NESTED]) {
      expect(Buffer.from(encode(value)).equals(variablePackr.pack(value))).toBe(true);
    }
  });

  it("skips undefined map values", () => {
    const encoded = encode({ a: 1, b: undefined, c: { d: undefined, e: "x" } });
    expect(packr.unpack(encoded)).toStrictEqual({ a: 1, c: { e: "x" } });
  });

  it("encodes a top-level undefined as nil", () => {
    expect(packr.unpack(encode(undefined))).toBeNull();
  });

  it("reads msgpackr's undefined (fixext1 type 0)", () => {
    expect(decode(packr.pack({ a: undefined }))).toStrictEqual({ a: undefined });
  });

  it("reads float32, uint64 and int64", () => {
    expect(decode(new Uint8Array([0xca, 0x3f, 0xc0, 0, 0]))).toBe(1.5);
    expect(decode(new Uint8Array([0xcf, 0, 0, 0, 1, 0, 0, 0, 5]))).toBe(2 ** 32 + 5);
    expect(decode(new Uint8Array([0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]))).toBe(-2);
    expect(decode(packr.pack(2n ** 40n))).toBe(2 ** 40);
  });

  it("reads msgpackr's server frames with every option the collector uses", () => {
    const frame = { t: "token", sid: "s_1", token: "eyJ.x.y", ttlMs: 480_000 };
    expect(decode(packr.pack(frame))).toStrictEqual(frame);
    expect(decode(packr.encode(frame))).toStrictEqual(frame);
  });

  it("decodes a view into a larger buffer", () => {
    const inner = packr.pack({ a: [1, 2, 3] });
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 5);
    expect(decode(outer.subarray(5, 5 + inner.length))).toStrictEqual({ a: [1, 2, 3] });
  });

  it("does not let a __proto__ key reach the prototype", () => {
    const decoded = decode(packr.pack(JSON.parse('{"__proto__": {"polluted": 1}, "ok": 2}'))) as Record<string, unknown>;
    expect(decoded.ok).toBe(2);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects truncated input, trailing bytes and unsupported types", () => {
    const whole = encode({ a: "hello" });
    expect(() => decode(whole.subarray(0, whole.length - 1))).toThrow(RangeError);
    expect(() => decode(new Uint8Array([...whole, 0]))).toThrow(/trailing/);
    expect(() => decode(new Uint8Array([]))).toThrow(RangeError);
    expect(() => decode(new Uint8Array([0xc1]))).toThrow(/unsupported/);
    expect(() => decode(new Uint8Array([0xc7, 1, 5, 0]))).toThrow(/unsupported/);
    expect(() => decode(new Uint8Array([0xdb, 0xff, 0xff, 0xff, 0xff]))).toThrow(RangeError);
  });

  it("refuses values msgpack cannot carry", () => {
    expect(() => encode(() => 1)).toThrow(TypeError);
    expect(() => encode(1n)).toThrow(TypeError);
    expect(() => encode(Symbol("s"))).toThrow(TypeError);
  });
});
