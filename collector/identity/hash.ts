import { createHmac } from "node:crypto";
import type { IdentifierKind } from "./normalise.js";

/**
 * Identifiers are stored and matched only as keyed hashes: HMAC-SHA256 over `kind:value`, with a key
 * kept in the store's data. The kind is part of the input so an e-mail and a name never collide.
 * 128 bits of the MAC (base64url) are plenty to find repeats and keep index keys short.
 */
export class IdentifierHasher {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error("identifier hash key must be at least 32 bytes");
  }

  hash(kind: IdentifierKind, normalisedValue: string): string {
    return createHmac("sha256", this.key).update(`${kind}:${normalisedValue}`).digest().subarray(0, 16).toString("base64url");
  }
}
