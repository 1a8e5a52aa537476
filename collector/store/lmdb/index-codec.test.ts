import { describe, expect, it } from "vitest";
import { historyBytes } from "../keys.js";
import { decodeIndexEntry, encodeIndexValue, indexKeyEncoder } from "./index-codec.js";

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
      expect(decodeIndexEntry(key, encodeIndexValue("pk_å", ids), prefixLength)).toEqual({ attemptId: "att_ü1", siteKey: "pk_å", tsMs: 1_790_000_000_123, ids });
    }
  });

  it("orders one identifier's keys by time, inside its range, apart from other identifiers", () => {
    const { low, high } = historyBytes.range("email", HASH, 2_000);
    const keys = [historyBytes.key("email", HASH, 1_999, "att_a"), historyBytes.key("email", HASH, 2_000, "att_b"), historyBytes.key("email", HASH, 2 ** 40 + 5, "att_c")];
    const sorted = [...keys, historyBytes.key("phone", HASH, 3_000, "att_d"), historyBytes.key("email", "x", 3_000, "att_e")].map((k) => Buffer.from(k, "latin1")).sort(Buffer.compare);
    const inRange = sorted.filter((k) => Buffer.compare(k, Buffer.from(low, "latin1")) >= 0 && Buffer.compare(k, Buffer.from(high, "latin1")) < 0);
    expect(inRange.map((k) => k.toString("latin1"))).toEqual(keys.slice(1));
  });
});
