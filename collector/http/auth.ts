import { createHash, timingSafeEqual } from "node:crypto";
import type { SiteConfig } from "../config.js";
import { HttpError } from "../errors.js";
import type { RequestInfo } from "./uws-http.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Finds the site whose secret key the request carries, comparing every site's secret in constant time. */
export class SecretKeys {
  private readonly entries: { digest: Buffer; site: SiteConfig }[];

  constructor(sites: readonly SiteConfig[]) {
    this.entries = sites.map((site) => ({ digest: digest(site.secretKey), site }));
  }

  authenticate(req: RequestInfo): SiteConfig {
    const presented = bearer(req);
    if (presented === undefined) throw new HttpError(401, "unauthorized", "send the site's secret key as `Authorization: Bearer <secretKey>`");
    const found = this.match(presented);
    if (!found) throw new HttpError(401, "unauthorized", "the secret key is not valid");
    return found;
  }

  /** The site whose secret key the request carries, or undefined; never throws. */
  find(req: RequestInfo): SiteConfig | undefined {
    const presented = bearer(req);
    return presented === undefined ? undefined : this.match(presented);
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
