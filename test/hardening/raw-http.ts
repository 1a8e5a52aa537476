import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/**
 * One HTTP request with full control of the bytes: any content type or none, a body given whole
 * (sent with a Content-Length) or in chunks (chunked, no length). Resolves with the answer even when
 * the server answers before the body is sent and closes the connection.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; chunks?: Iterable<Buffer> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let isAnswered = false;
    const req = request(url, { method: options.method ?? "POST", headers: options.headers ?? {}, agent: false }, (res) => {
      isAnswered = true;
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // The server may answer 413 and close while the body is still going out; the answer is what counts.
    req.on("error", (err) => {
      if (!isAnswered) reject(err);
    });
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}
