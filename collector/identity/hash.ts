import type { IdentifierKind } from "./normalise.js";

const BLOCK_BYTES = 64;

/**
 * Identifiers are stored and matched only as keyed hashes: HMAC-SHA256 over `kind:value`, with a key
 * kept in the store's data. The kind is part of the input so an e-mail and a name never collide.
 * 128 bits of the MAC (base64url) are plenty to find repeats and keep index keys short.
 *
 * Computed here, in JavaScript, from the SHA-256 states after the key's inner and outer pads (RFC
 * 2104), which are the same for every identifier: an identifier then costs two or three SHA-256
 * blocks and no call into native code. Node's one-shot hash called twice per identifier (the pads
 * hashed each time) took about four times as long; createHmac per call longer still. The test checks
 * the output against createHmac.
 */
export class IdentifierHasher {
  /** SHA-256 state after the block K⊕ipad, and after K⊕opad. */
  private readonly innerState = new Int32Array(8);
  private readonly outerState = new Int32Array(8);
  private readonly state = new Int32Array(8);
  private readonly words = new Int32Array(64);
  private message = new Uint8Array(1024);

  constructor(key: Buffer) {
    if (key.length < 32 || key.length > BLOCK_BYTES) throw new Error("identifier hash key must be at least 32 bytes (and at most 64)");
    const pad = new Uint8Array(BLOCK_BYTES);
    for (const [target, byte] of [[this.innerState, 0x36], [this.outerState, 0x5c]] as const) {
      for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = (key[i] ?? 0) ^ byte;
      target.set(INITIAL_STATE);
      compress(target, this.words, pad, 0);
    }
  }

  hash(kind: IdentifierKind, normalisedValue: string): string {
    const length = this.encode(`${kind}:${normalisedValue}`);
    // Inner hash: H(K⊕ipad ‖ m), continuing from the state after the pad; the length counts the pad's 64 bytes.
    const state = this.state;
    state.set(this.innerState);
    const padded = finish(this.message, length, BLOCK_BYTES + length);
    for (let at = 0; at < padded; at += BLOCK_BYTES) compress(state, this.words, this.message, at);
    // Outer hash: H(K⊕opad ‖ inner digest), one block.
    const block = this.message;
    for (let i = 0; i < 8; i++) {
      const word = state[i]!;
      block[i * 4] = word >>> 24;
      block[i * 4 + 1] = (word >>> 16) & 255;
      block[i * 4 + 2] = (word >>> 8) & 255;
      block[i * 4 + 3] = word & 255;
    }
    finish(block, 32, BLOCK_BYTES + 32);
    state.set(this.outerState);
    compress(state, this.words, block, 0);
    return base64url128(state);
  }

  /** `text` as UTF-8 at the start of the message buffer (grown as needed, with room for padding); its byte length. */
  private encode(text: string): number {
    if (this.message.length < text.length * 3 + 2 * BLOCK_BYTES) this.message = new Uint8Array(text.length * 3 + 2 * BLOCK_BYTES);
    const bytes = this.message;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(text, 0, "utf8");
      bytes[i] = code;
    }
    return text.length;
  }
}

/** Appends SHA-256 padding after `length` bytes of `bytes` for a message of `totalBytes` in all; the padded length. */
function finish(bytes: Uint8Array, length: number, totalBytes: number): number {
  const padded = Math.ceil((length + 9) / BLOCK_BYTES) * BLOCK_BYTES;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, padded - 4);
  const bits = totalBytes * 8;
  bytes[padded - 4] = bits >>> 24;
  bytes[padded - 3] = (bits >>> 16) & 255;
  bytes[padded - 2] = (bits >>> 8) & 255;
  bytes[padded - 1] = bits & 255;
  return padded;
}

const INITIAL_STATE = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/**
 * FIPS 180-4's SHA-256 compression of the 64-byte block at `at` into `state`. Every sum is cut to 32
 * bits as it is made, so the optimiser keeps it all in 32-bit integer arithmetic.
 */
function compress(state: Int32Array, w: Int32Array, bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (((s1 + w[i - 7]!) | 0) + ((s0 + w[i - 16]!) | 0)) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (((S1 + ((e & f) ^ (~e & g))) | 0) + ((h + ((K[i]! + w[i]!) | 0)) | 0)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The first 16 bytes of the digest in `state` as base64url without padding (22 characters). */
function base64url128(state: Int32Array): string {
  const byte = (k: number) => (state[k >> 2]! >>> (24 - 8 * (k & 3))) & 255;
  let text = "";
  for (let k = 0; k < 15; k += 3) {
    const group = (byte(k) << 16) | (byte(k + 1) << 8) | byte(k + 2);
    text += BASE64URL[group >>> 18]! + BASE64URL[(group >>> 12) & 63]! + BASE64URL[(group >>> 6) & 63]! + BASE64URL[group & 63]!;
  }
  const last = byte(15);
  return text + BASE64URL[last >>> 2]! + BASE64URL[(last & 3) << 4]!;
}
