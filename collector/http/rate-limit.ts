/**
 * Rate limits: token buckets per key (a site, a client address), in a table of bounded size. A full
 * bucket is the same as no entry, so the table forgets the least recently used keys when it is full:
 * memory stays bounded however many addresses an attacker uses, and only an attacker with more
 * addresses than the table holds can make it forget its own.
 */
import type { RateLimitsConfig } from "../config.js";
import { clientIp } from "./client-ip.js";
import { json, type Handler, type RequestInfo } from "./uws-http.js";
import type { SecretKeys } from "./auth.js";

export interface BucketLimit {
  /** Sustained rate. */
  perSecond: number;
  /** How many may come at once after a quiet spell. */
  burst: number;
}

const DEFAULT_MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  /** The key taken from last: the map's last entry. */
  private newestKey: string | undefined;

  constructor(
    private readonly limit: BucketLimit,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` from the key's bucket: 0 when allowed, otherwise the seconds to wait before it would be. */
  take(key: string, cost = 1): number {
    const nowMs = this.now();
    const bucket = this.buckets.get(key);
    let tokens = this.limit.burst;
    if (bucket) tokens = Math.min(this.limit.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.limit.perSecond);
    const isAllowed = tokens >= cost;
    const left = isAllowed ? tokens - cost : tokens;
    if (bucket && key === this.newestKey) {
      // Already the most recently used (a merchant's backend calls from one address with one key):
      // updated in place, since re-inserting it would make the map allocate on every request.
      bucket.tokens = left;
      bucket.atMs = nowMs;
    } else {
      if (bucket) this.buckets.delete(key); // re-inserted below, so the map's order is least recently used first
      this.remember(key, left, nowMs);
    }
    return isAllowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / this.limit.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }

  private remember(key: string, tokens: number, atMs: number): void {
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(key, { tokens, atMs });
    this.newestKey = key;
  }
}

/** Open connections per key, refused past `max`; forgets a key when its count returns to zero. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  tryOpen(key: string): boolean {
    const count = this.open.get(key) ?? 0;
    if (count >= this.max) return false;
    this.open.set(key, count + 1);
    return true;
  }

  close(key: string): void {
    const count = (this.open.get(key) ?? 0) - 1;
    if (count <= 0) this.open.delete(key);
    else this.open.set(key, count);
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}

export function rateLimited(retryAfterSeconds: number, what: string, headers: Record<string, string> = {}) {
  return json(429, { error: "rate_limited", message: `too many requests ${what}; retry after ${retryAfterSeconds} s` }, { "retry-after": String(retryAfterSeconds), ...headers });
}

/**
 * Wraps a merchant API handler: every request counts against its client address (the peer, or the
 * forwarded address from a trusted proxy), and a request with a valid secret key against its site.
 * A bad key is left to the handler, which answers 401.
 */
export function apiRateLimit(limits: RateLimitsConfig, deps: { secrets: SecretKeys; trustedProxies: ReadonlySet<string> }): (handler: Handler) => Handler {
  const perIp = new RateLimiter(limits.apiPerIp);
  const perKey = new RateLimiter(limits.apiPerKey);
  return (handler) => (req: RequestInfo, readBody) => {
    const ip = clientIp(req.remoteIp, req.headers.get("x-forwarded-for"), deps.trustedProxies);
    const ipWait = perIp.take(ip);
    if (ipWait > 0) return rateLimited(ipWait, "from this address");
    const site = deps.secrets.find(req);
    if (site) {
      const keyWait = perKey.take(site.siteKey);
      if (keyWait > 0) return rateLimited(keyWait, "with this secret key");
    }
    return handler(req, readBody);
  };
}
