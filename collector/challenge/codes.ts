import { createHmac, randomInt, timingSafeEqual } from "node:crypto";

/** Digits in a one-time code. */
export const CODE_DIGITS = 6;
const CODE_PATTERN = new RegExp(`^\\d{${CODE_DIGITS}}$`);

/** A uniformly random code of CODE_DIGITS digits (leading zeros kept), from the system CSPRNG. */
export function generateCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
}

/** What a shopper typed, as a code: spaces and dashes dropped; undefined when it is not CODE_DIGITS digits. */
export function normaliseCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, "");
  return CODE_PATTERN.test(code) ? code : undefined;
}

/**
 * Keyed hashes for challenges, all under one secret kept in the store, each use under its own label:
 * the code as stored (never the code itself), and the page's ticket for an attempt.
 */
export class ChallengeKeys {
  constructor(private readonly key: Buffer) {}

  private mac(label: string, ...parts: string[]): string {
    return createHmac("sha256", this.key).update([label, ...parts].join("\0")).digest("base64url");
  }

  hashCode(attemptId: string, code: string): string {
    return this.mac("code", attemptId, code);
  }

  /** The page's proof that the merchant's backend handed it this attempt's challenge (POST /v1/challenges). */
  ticket(attemptId: string): string {
    return `vct_${this.mac("ticket", attemptId)}`;
  }

  isTicket(attemptId: string, presented: string): boolean {
    return safeEqual(this.ticket(attemptId), presented);
  }

  isCode(attemptId: string, code: string, storedHash: string): boolean {
    return safeEqual(this.hashCode(attemptId, code), storedHash);
  }
}

/** Constant time for equal lengths; our hashes and tickets have a fixed length, so a length mismatch reveals nothing. */
function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
