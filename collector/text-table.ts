import { grown, mix, slotsFor } from "./typed-arrays.js";

const NONE = -1;
type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };
/** The longest text kept: 255 UTF-8 bytes (what an identifier row can hold). */
const MAX_BYTES = 255;

/**
 * Short texts interned outside the JavaScript heap: each is kept once, as UTF-8 bytes in one pool,
 * with a small number (its tag, such as an identifier kind) that is part of what it is, and gets an
 * entry number; a text is found again by open addressing on a hash of its tag and bytes.
 *
 * Millions of strings held as JavaScript strings would lengthen every young-generation garbage
 * collection, since V8 visits every page of the old generation then (measured: 4 million short strings
 * took scavenges from 0.35 to 4.3 ms); bytes in typed arrays are not on those pages.
 */
export class TextTable {
  /** Open addressing by `codes`: each slot holds entry + 1, 0 when empty. */
  private slots = new Int32Array(1 << 12);
  private codes = new Int32Array(1 << 11);
  private tags = new Uint8Array(1 << 11);
  private starts = new Uint32Array(1 << 11);
  private lengths = new Uint8Array(1 << 11);
  private pool = Buffer.alloc(1 << 16);
  private poolUsed = 0;
  private count = 0;
  /** A looked-up string's UTF-8 bytes. */
  private readonly scratch = Buffer.alloc(MAX_BYTES * 3);

  get size(): number {
    return this.count;
  }

  /** The text's entry, or -1 (always for a text longer than any held). */
  find(tag: number, text: string): number {
    const length = this.encode(text);
    return length === NONE ? NONE : this.lookUp(tag, this.scratch, 0, length, false);
  }

  /** The text's entry, made on first sight. */
  intern(tag: number, text: string): number {
    const length = this.encode(text);
    if (length === NONE) throw new Error(`a text of ${Buffer.byteLength(text)} bytes; at most ${MAX_BYTES}`);
    return this.lookUp(tag, this.scratch, 0, length, true);
  }

  /** The entry of the text whose UTF-8 bytes are `bytes[start, end)`, made on first sight. */
  internBytes(tag: number, bytes: Uint8Array, start: number, end: number): number {
    if (end - start > MAX_BYTES) throw new Error(`a text of ${end - start} bytes; at most ${MAX_BYTES}`);
    return this.lookUp(tag, bytes, start, end, true);
  }

  tag(entry: number): number {
    return this.tags[entry]!;
  }

  text(entry: number): string {
    const start = this.starts[entry]!;
    // Buffer's own method under `toString`, without its argument checks: reads make many of these.
    return (this.pool as NodeBuffer).utf8Slice(start, start + this.lengths[entry]!);
  }

  /** Compares two entries' texts by their bytes, as LMDB orders keys: negative, 0 or positive. */
  compare(a: number, b: number): number {
    return Buffer.compare(this.pool.subarray(this.starts[a]!, this.starts[a]! + this.lengths[a]!), this.pool.subarray(this.starts[b]!, this.starts[b]! + this.lengths[b]!));
  }

  /** Puts the text's UTF-8 bytes in `scratch`: their length, or -1 when over MAX_BYTES. */
  private encode(text: string): number {
    // Plain ASCII, as hashes and ids are, is copied as it is; anything else is encoded.
    if (text.length <= MAX_BYTES) {
      let i = 0;
      for (; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0x7f) break;
        this.scratch[i] = code;
      }
      if (i === text.length) return i;
    }
    if (Buffer.byteLength(text) > MAX_BYTES) return NONE;
    return this.scratch.write(text, 0, "utf8");
  }

  private lookUp(tag: number, bytes: Uint8Array, start: number, end: number, create: boolean): number {
    const code = codeOf(tag, bytes, start, end);
    const mask = this.slots.length - 1;
    for (let at = code & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at]!;
      if (slot === 0) return create ? this.add(at, code, tag, bytes, start, end) : NONE;
      const entry = slot - 1;
      if (this.codes[entry] === code && this.tags[entry] === tag && this.equals(entry, bytes, start, end)) return entry;
    }
  }

  private equals(entry: number, bytes: Uint8Array, start: number, end: number): boolean {
    if (this.lengths[entry] !== end - start) return false;
    const pool = this.pool;
    for (let i = this.starts[entry]!, j = start; j < end; i++, j++) if (pool[i] !== bytes[j]) return false;
    return true;
  }

  private add(at: number, code: number, tag: number, bytes: Uint8Array, start: number, end: number): number {
    const entry = this.count++;
    if (entry === this.codes.length) {
      this.codes = grown(this.codes);
      this.tags = grown(this.tags);
      this.starts = grown(this.starts);
      this.lengths = grown(this.lengths);
    }
    const length = end - start;
    if (this.poolUsed + length > this.pool.length) {
      const pool = Buffer.alloc(this.pool.length * 2);
      this.pool.copy(pool, 0, 0, this.poolUsed);
      this.pool = pool;
    }
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    this.codes[entry] = code;
    this.tags[entry] = tag;
    this.starts[entry] = this.poolUsed;
    this.lengths[entry] = length;
    this.poolUsed += length;
    this.slots[at] = entry + 1;
    // At most half full, so a probe stays short.
    if (this.count * 2 > this.slots.length) this.slots = slotsFor(this.codes, this.count, this.slots.length * 2);
    return entry;
  }
}

/** A 32-bit hash of tag and bytes (FNV-1a, then MurmurHash3's finaliser). */
function codeOf(tag: number, bytes: Uint8Array, start: number, end: number): number {
  let h = Math.imul(tag + 1, 0x9e3779b9) ^ 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return mix(h);
}
