import type { IdentifierKeyer } from "../assess/identities.js";
import { IDENTIFIER_KINDS, type IdentifierKind } from "../identity/normalise.js";
import { grown, mix, slotsFor } from "../typed-arrays.js";

const KIND_SEEDS = new Map<IdentifierKind, number>(IDENTIFIER_KINDS.map((kind, i) => [kind, Math.imul(i + 1, 0x9e3779b9)]));

/**
 * In a throw-away replay store nothing is persisted or shared, so an identifier needs no keyed hash:
 * each distinct normalised value of a kind gets a key of its own, a count over all kinds. The store
 * finds an identifier's slot at its key's place in an array. A key is a number rather than text: an
 * attempt's keys then sit inside its identifiers object, and reading or comparing one (as the rules
 * and the graylist hops do across a whole history) never goes out to a string in memory.
 *
 * Values are told apart by a 63-bit hash of kind and value, computed here rather than looked up in a
 * map of every value seen: two threads replaying halves of one input agree on which attempts share
 * an identifier by exchanging these hashes (see `pairOf`, `keyOfPair`), and neither keeps the values.
 * Two values share a hash with odds of about n² / 2⁶⁴ for n distinct values: below one in a
 * million for the ten million identifiers of a million orders.
 */
export class ReplayKeys implements IdentifierKeyer<number> {
  /** Open addressing by the hash's high half: each slot holds key + 1, 0 when empty. */
  private slots = new Int32Array(1 << 16);
  private his = new Int32Array(1 << 15);
  private los = new Int32Array(1 << 15);
  /** Keys given so far: the next key. */
  private count = 0;

  hash(kind: IdentifierKind, normalisedValue: string): number {
    const seed = KIND_SEEDS.get(kind)!;
    let a = seed ^ 0x811c9dc5;
    let b = seed ^ 0x5bd1e995;
    for (let i = 0; i < normalisedValue.length; i++) {
      const c = normalisedValue.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    return this.keyOfPair(mix(a), mix(b ^ normalisedValue.length) | 1);
  }

  /** The key of the identifier with this hash (`pairOf` on any thread), made on first sight. */
  keyOfPair(hi: number, lo: number): number {
    const mask = this.slots.length - 1;
    for (let at = hi & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at]!;
      if (slot === 0) return this.add(at, hi, lo);
      if (this.his[slot - 1] === hi && this.los[slot - 1] === lo) return slot - 1;
    }
  }

  /** Writes the hash of `key` (one of this instance's keys) at `out[at]` and `out[at + 1]`; the second is never 0. */
  pairOf(key: number, out: Int32Array, at: number): void {
    out[at] = this.his[key]!;
    out[at + 1] = this.los[key]!;
  }

  private add(at: number, hi: number, lo: number): number {
    const key = this.count++;
    if (key === this.his.length) {
      this.his = grown(this.his);
      this.los = grown(this.los);
    }
    this.his[key] = hi;
    this.los[key] = lo;
    this.slots[at] = key + 1;
    // At most half full, so a probe stays short.
    if (this.count * 2 > this.slots.length) this.slots = slotsFor(this.his, this.count, this.slots.length * 2);
    return key;
  }
}
