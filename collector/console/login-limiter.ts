/**
 * Wrong console passwords per client address: after `maxFailures` within `windowMs` the address is
 * locked out for `lockoutMs`, and each further lock-out of the same address doubles (up to a day).
 * A correct password clears the count. In memory per collector: behind a load balancer an attacker
 * gets `maxFailures` tries per collector per window, still far too few to guess a real password.
 */
export interface LoginLimits {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
  /** Addresses remembered at most; the oldest are forgotten first, so a flood cannot grow memory. */
  maxAddresses: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000, maxAddresses: 10_000 };
const MAX_LOCKOUT_MS = 24 * 3_600_000;

interface Entry {
  failures: number[];
  lockedUntilMs: number;
  lockouts: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS, private readonly now: () => number = Date.now) {}

  /** Milliseconds the address must still wait, or 0 when it may try. */
  retryAfterMs(address: string): number {
    const entry = this.entries.get(address);
    return entry ? Math.max(0, entry.lockedUntilMs - this.now()) : 0;
  }

  /** Records a wrong password; returns the lock-out it caused in milliseconds, or 0. */
  fail(address: string): number {
    const nowMs = this.now();
    const entry = this.entries.get(address) ?? { failures: [], lockedUntilMs: 0, lockouts: 0 };
    this.entries.delete(address);
    this.entries.set(address, entry);
    entry.failures = entry.failures.filter((at) => at > nowMs - this.limits.windowMs);
    entry.failures.push(nowMs);
    let lockedMs = 0;
    if (entry.failures.length >= this.limits.maxFailures) {
      lockedMs = Math.min(this.limits.lockoutMs * 2 ** entry.lockouts, MAX_LOCKOUT_MS);
      entry.lockouts += 1;
      entry.lockedUntilMs = nowMs + lockedMs;
      entry.failures = [];
    }
    this.evict();
    return lockedMs;
  }

  succeed(address: string): void {
    this.entries.delete(address);
  }

  private evict(): void {
    for (const address of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxAddresses) return;
      this.entries.delete(address);
    }
  }
}
