import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Handler } from "./uws-http.js";

/**
 * A file served from memory with a strong ETag and a gzip variant. Short max-age plus revalidation,
 * so a new collector version reaches every checkout within minutes while most loads are a 304.
 */
export function staticAsset(content: Buffer, contentType: string, maxAgeSeconds = 300): Handler {
  const etag = `"${createHash("sha256").update(content).digest("base64url").slice(0, 27)}"`;
  const gzipped = gzipSync(content, { level: 9 });
  const common = {
    "content-type": contentType,
    "cache-control": `public, max-age=${maxAgeSeconds}, stale-while-revalidate=86400`,
    etag,
    vary: "Accept-Encoding",
    "access-control-allow-origin": "*",
    "cross-origin-resource-policy": "cross-origin",
  };
  return (req) => {
    const ifNoneMatch = req.headers.get("if-none-match");
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
      return { status: 304, body: "", headers: common };
    }
    const acceptsGzip = /\bgzip\b/i.test(req.headers.get("accept-encoding") ?? "");
    return acceptsGzip
      ? { status: 200, body: gzipped, headers: { ...common, "content-encoding": "gzip" } }
      : { status: 200, body: content, headers: common };
  };
}
