import { describe, expect, it } from "vitest";
import type { SiteConfig } from "../config.js";
import { HttpError } from "../errors.js";
import { SecretKeys } from "./auth.js";
import type { RequestInfo } from "./uws-http.js";

const SITES = [
  { siteKey: "pk_a", secretKey: "sk_a_secret" },
  { siteKey: "pk_b", secretKey: "sk_b_secret" },
] as SiteConfig[];

function request(authorization?: string): RequestInfo {
  const headers = new Map<string, string>();
  if (authorization !== undefined) headers.set("authorization", authorization);
  return { method: "post", path: "/v1/assess", query: new URLSearchParams(), params: [], headers, remoteIp: "127.0.0.1" };
}

function refusal(secrets: SecretKeys, req: RequestInfo): string {
  try {
    secrets.authenticate(req);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(401);
    return (err as Error).message;
  }
  throw new Error("authenticate accepted the request");
}

describe("SecretKeys", () => {
  it("finds the site whose secret key the request carries, and authenticates the same request to the same site", () => {
    const secrets = new SecretKeys(SITES);
    const req = request("Bearer sk_b_secret");
    expect(secrets.find(req)?.siteKey).toBe("pk_b");
    expect(secrets.authenticate(req).siteKey).toBe("pk_b");
    expect(secrets.authenticate(request("bearer  sk_a_secret ")).siteKey).toBe("pk_a");
  });

  it("refuses a missing and a wrong key, each with its own message, also after the rate limit looked the request up", () => {
    const secrets = new SecretKeys(SITES);
    const missing = request();
    const wrong = request("Bearer sk_c_secret");
    expect(secrets.find(missing)).toBeUndefined();
    expect(secrets.find(wrong)).toBeUndefined();
    expect(refusal(secrets, missing)).toMatch(/send the site's secret key/);
    expect(refusal(secrets, wrong)).toBe("the secret key is not valid");
    expect(refusal(secrets, request("Basic sk_a_secret"))).toMatch(/send the site's secret key/);
  });
});
