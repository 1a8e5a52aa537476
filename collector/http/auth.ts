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
    const header = req.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new HttpError(401, "unauthorized", "send the site's secret key as `Authorization: Bearer <secretKey>`");
    const presented = digest(match[1]!);
    let found: SiteConfig | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.site;
    }
    if (!found) throw new HttpError(401, "unauthorized", "the secret key is not valid");
    return found;
  }
}
