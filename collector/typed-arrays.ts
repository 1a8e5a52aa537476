type Growable = Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

/** The array at twice its length, its contents kept. */
export function grown<A extends Growable>(array: A): A {
  const bigger = new (array.constructor as new (length: number) => A)(array.length * 2);
  bigger.set(array as never);
  return bigger;
}

/**
 * A new open-addressing table of `length` slots (a power of two) for entries 0 to count - 1, each placed
 * by its hash `codes[entry]` with linear probing; a slot holds entry + 1, 0 when empty.
 */
export function slotsFor(codes: Int32Array, count: number, length: number): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(length);
  const mask = length - 1;
  for (let entry = 0; entry < count; entry++) {
    let at = codes[entry]! & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = entry + 1;
  }
  return slots;
}

/** MurmurHash3's finaliser: every input bit moves about half the output bits (for open-addressing codes). */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
