import { describe, expect, it } from "vitest";
import { historyBytes } from "../keys.js";
import { DecodedValues, encodeIndexValue, indexKeyEncoder, indexValueEncoder } from "./index-codec.js";

const HASH = "q1Nn3Yp0x3J9cK2bX4f8Ag"; // 16 bytes in base64url, as identity/hash.ts makes them

function roundTrip(key: string): string {
  const buffer = Buffer.alloc(512);
  const end = indexKeyEncoder.writeKey(key, buffer, 7);
  return indexKeyEncoder.readKey(buffer, 7, end);
}

describe("identifier index encoding", () => {
  it("reads back the time, attempt id, site and identifiers it wrote", () => {
    const ids = { email: HASH, phone: "p1", name: "nämn ✓" };
    for (const [kind, hash] of [["email", HASH], ["phone", "p1"], ["name", "nämn ✓"]] as const) {
      const key = roundTrip(historyBytes.key(kind, hash, 1_790_000_000_123, "att_ü1"));
      const { prefixLength } = historyBytes.range(kind, hash, 0);
      expect(new DecodedValues().entry(key, encodeIndexValue("pk_å", ids), prefixLength)).toEqual({ attemptId: "att_ü1", siteKey: "pk_å", tsMs: 1_790_000_000_123, ids });
    }
  });

  it("orders one identifier's keys by time, inside its range, apart from other identifiers", () => {
    const { low, high } = historyBytes.range("email", HASH, 2_000);
    const keys = [historyBytes.key("email", HASH, 1_999, "att_a"), historyBytes.key("email", HASH, 2_000, "att_b"), historyBytes.key("email", HASH, 2 ** 40 + 5, "att_c")];
    const sorted = [...keys, historyBytes.key("phone", HASH, 3_000, "att_d"), historyBytes.key("email", "x", 3_000, "att_e")].map((k) => Buffer.from(k, "latin1")).sort(Buffer.compare);
    const inRange = sorted.filter((k) => Buffer.compare(k, Buffer.from(low, "latin1")) >= 0 && Buffer.compare(k, Buffer.from(high, "latin1")) < 0);
    expect(inRange.map((k) => k.toString("latin1"))).toEqual(keys.slice(1));
  });

  it("decodes an attempt's value once per store, giving each of its entries the same answer", () => {
    const ids = { email: HASH, phone: "p1", ip: "i1" };
    const value = encodeIndexValue("pk_a", ids);
    const decoded = new DecodedValues(2);
    const entries = (["email", "phone", "ip"] as const).map((kind) => {
      const { prefixLength } = historyBytes.range(kind, ids[kind], 0);
      return decoded.entry(roundTrip(historyBytes.key(kind, ids[kind], 1_000, "att_1")), value, prefixLength);
    });
    expect(entries[0]).toEqual({ attemptId: "att_1", siteKey: "pk_a", tsMs: 1_000, ids });
    expect(entries[1]).toBe(entries[0]);
    expect(entries[2]).toBe(entries[0]);
    // Another store's attempt of the same id is its own.
    const other = new DecodedValues(2);
    const { prefixLength } = historyBytes.range("ip", "i2", 0);
    const key = roundTrip(historyBytes.key("ip", "i2", 5, "att_1"));
    expect(other.entry(key, encodeIndexValue("pk_b", { ip: "i2" }), prefixLength)).toEqual({ attemptId: "att_1", siteKey: "pk_b", tsMs: 5, ids: { ip: "i2" } });
  });

  it("tells attempts apart by time and id, also when they share a slot", () => {
    const decoded = new DecodedValues(1);
    const { prefixLength } = historyBytes.range("ip", "i1", 0);
    const read = (tsMs: number, id: string, siteKey: string) => decoded.entry(roundTrip(historyBytes.key("ip", "i1", tsMs, id)), encodeIndexValue(siteKey, { ip: "i1" }), prefixLength);
    expect(read(5, "att_1", "pk_a")).toEqual({ attemptId: "att_1", siteKey: "pk_a", tsMs: 5, ids: { ip: "i1" } });
    expect(read(5, "att_2", "pk_b")).toEqual({ attemptId: "att_2", siteKey: "pk_b", tsMs: 5, ids: { ip: "i1" } });
    expect(read(6, "att_2", "pk_c")).toEqual({ attemptId: "att_2", siteKey: "pk_c", tsMs: 6, ids: { ip: "i1" } });
    expect(read(5, "xatt_2", "pk_d")).toEqual({ attemptId: "xatt_2", siteKey: "pk_d", tsMs: 5, ids: { ip: "i1" } });
    expect(read(5, "att_1", "pk_e").siteKey).toBe("pk_e");
  });

  it("decodes a value from the raw bytes lmdb-js hands its decoder, as written by the encoder", () => {
    const ids = { email: HASH, name: "nämn ✓" };
    const text = encodeIndexValue("pk_å", ids);
    const bytes = Buffer.concat([indexValueEncoder.encode(text), Buffer.from("left over from a longer value")]);
    expect(indexValueEncoder.encode(text)).toEqual(Buffer.from(text, "utf8"));
    const { prefixLength } = historyBytes.range("email", HASH, 0);
    const raw = indexValueEncoder.decode(bytes, Buffer.byteLength(text));
    expect(new DecodedValues().entry(roundTrip(historyBytes.key("email", HASH, 9, "att_1")), raw, prefixLength)).toEqual({ attemptId: "att_1", siteKey: "pk_å", tsMs: 9, ids });
  });
});
