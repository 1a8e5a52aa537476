import type { HttpRequest, HttpResponse, TemplatedApp } from "uWebSockets.js";
import { HttpError, toErrorResponse } from "../errors.js";

/** What a handler may know of a request: copied synchronously, because uWS's request object dies with the callback. */
export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  headers: Map<string, string>;
  remoteIp: string;
}

export interface Reply {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: RequestInfo, readBody: () => Promise<Buffer>) => Promise<Reply> | Reply;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * Headers on everything the collector serves. Nothing it serves is a page to render or frame, so the
 * CSP allows nothing at all; a route that must differ (the script, loaded cross-origin) overrides a header.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body: JSON.stringify(body), headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } };
}

export function snapshot(res: HttpResponse, req: HttpRequest, paramCount = 0): RequestInfo {
  const headers = new Map<string, string>();
  req.forEach((key, value) => headers.set(key, value));
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(req.getParameter(i));
  return {
    method: req.getMethod(),
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ""),
    params,
    headers,
    remoteIp: Buffer.from(res.getRemoteAddressAsText()).toString(),
  };
}

/**
 * Adapts an async handler to uWS: registers the abort handler before anything async, caps the body,
 * maps every thrown error to the contract's JSON error once, and answers exactly once inside cork().
 */
export function serve(
  app: TemplatedApp,
  method: "get" | "post" | "any",
  pattern: string,
  handler: Handler,
  options: { maxBodyBytes: number; paramCount?: number; onError: (err: unknown, req: RequestInfo) => void },
): void {
  app[method](pattern, (res, req) => {
    let isAborted = false;
    res.onAborted(() => {
      isAborted = true;
    });
    const info = snapshot(res, req, options.paramCount);
    const readBody = bodyReader(res, info, options.maxBodyBytes);
    Promise.resolve()
      .then(() => handler(info, readBody))
      .catch((err: unknown) => {
        const { status, body, isUnexpected } = toErrorResponse(err);
        if (isUnexpected) options.onError(err, info);
        return json(status, body);
      })
      .then((reply) => {
        if (isAborted) return;
        res.cork(() => {
          res.writeStatus(`${reply.status} ${STATUS_TEXT[reply.status] ?? ""}`.trim());
          writeHeaders(res, reply.headers);
          res.end(reply.body);
        });
      });
  });
}

/** The security headers, each overridden where the reply sets it, then the reply's others: the order of `{ ...SECURITY_HEADERS, ...headers }`, without building it. */
function writeHeaders(res: HttpResponse, headers: Record<string, string> = {}): void {
  for (const name in SECURITY_HEADERS) res.writeHeader(name, headers[name] ?? SECURITY_HEADERS[name]!);
  for (const name in headers) if (!Object.hasOwn(SECURITY_HEADERS, name)) res.writeHeader(name, headers[name]!);
}

/** Reads the whole body once, refusing it (413) as soon as it grows past `maxBodyBytes`. */
function bodyReader(res: HttpResponse, info: RequestInfo, maxBodyBytes: number): () => Promise<Buffer> {
  const declared = Number(info.headers.get("content-length") ?? "0");
  const chunks: Buffer[] = [];
  let size = 0;
  let settled: { body?: Buffer; error?: HttpError } | undefined;
  let waiter: ((value: { body?: Buffer; error?: HttpError }) => void) | undefined;
  const settle = (value: { body?: Buffer; error?: HttpError }) => {
    if (settled) return;
    settled = value;
    waiter?.(value);
  };
  const tooLarge = () => new HttpError(413, "too_large", `the body is larger than ${maxBodyBytes} bytes`);
  if (declared > maxBodyBytes) settle({ error: tooLarge() });
  // The body must be consumed as it arrives (uWS drops data without an onData handler), so attach at once.
  res.onData((chunk, isLast) => {
    if (settled) return;
    size += chunk.byteLength;
    if (size > maxBodyBytes) return settle({ error: tooLarge() });
    chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) settle({ body: Buffer.concat(chunks, size) });
  });
  return () =>
    new Promise<Buffer>((resolve, reject) => {
      const finish = (value: { body?: Buffer; error?: HttpError }) => (value.error ? reject(value.error) : resolve(value.body!));
      if (settled) finish(settled);
      else waiter = finish;
    });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses a JSON body; a wrong content type or malformed JSON is a 400 that says so. */
export async function readJson(info: RequestInfo, readBody: () => Promise<Buffer>): Promise<unknown> {
  const type = info.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(400, "invalid_request", "Content-Type must be application/json");
  }
  const body = await readBody();
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new HttpError(400, "invalid_request", "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "invalid_request", `the body is not valid JSON: ${(err as Error).message}`);
  }
}
