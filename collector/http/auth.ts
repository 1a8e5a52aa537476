import { createHash, timingSafeEqual } from "node:crypto";
import type { SiteConfig } from "../config.js";
import { HttpError } from "../errors.js";
import type { RequestInfo } from "./uws-http.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Finds the site whose secret key the request carries, comparing every site's secret in constant time. */
export class SecretKeys {
  private readonly entries: { digest: Buffer; site: SiteConfig }[];
  /** Each request's match, so the rate limit's look-up and the route's check hash the key once. */
  private readonly matched = new WeakMap<RequestInfo, SiteConfig | null>();

  constructor(sites: readonly SiteConfig[]) {
    this.entries = sites.map((site) => ({ digest: digest(site.secretKey), site }));
  }

  authenticate(req: RequestInfo): SiteConfig {
    const found = this.find(req);
    if (found) return found;
    if (bearer(req) === undefined) throw new HttpError(401, "unauthorized", "send the site's secret key as `Authorization: Bearer <secretKey>`");
    throw new HttpError(401, "unauthorized", "the secret key is not valid");
  }

  /** The site whose secret key the request carries, or undefined; never throws. */
  find(req: RequestInfo): SiteConfig | undefined {
    const known = this.matched.get(req);
    if (known !== undefined) return known ?? undefined;
    const presented = bearer(req);
    const found = presented === undefined ? undefined : this.match(presented);
    this.matched.set(req, found ?? null);
    return found;
  }

  private match(secret: string): SiteConfig | undefined {
    const presented = digest(secret);
    let found: SiteConfig | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.site;
    }
    return found;
  }
}

function bearer(req: RequestInfo): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "")?.[1];
}
