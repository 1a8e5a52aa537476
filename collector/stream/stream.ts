import uWS, { type HttpResponse, type TemplatedApp, type WebSocket } from "uWebSockets.js";
import { MAX_FRAME_BYTES, STREAM_PATH } from "../../sdk/protocol.js";
import { SECURITY_HEADERS } from "../http/uws-http.js";
import { createStreamCore, type StreamDeps, type StreamSocketData } from "./stream-core.js";

/** The stream socket's limits, shared with the benchmark's bare uWS server so both run under the same ones. */
export const STREAM_SOCKET_LIMITS = {
  compression: uWS.DISABLED,
  maxPayloadLength: MAX_FRAME_BYTES,
  maxBackpressure: 64 * 1024,
  closeOnBackpressureLimit: 1,
  idleTimeout: 120,
  sendPingsAutomatically: true,
} as const;

export type { StreamDeps, StreamLimits } from "./stream-core.js";

/** The script's WebSocket on uWebSockets.js; what each event does is in stream-core.ts. */
export function mountStream(app: TemplatedApp, deps: StreamDeps): { closeAll(): Promise<void> } {
  const core = createStreamCore<WebSocket<StreamSocketData>>(deps, {
    data: (ws) => ws.getUserData(),
    send: (ws, bytes) => void ws.send(bytes, true),
    end: (ws, code, reason) => ws.end(code, reason),
  });

  app.ws<StreamSocketData>(STREAM_PATH, {
    ...STREAM_SOCKET_LIMITS,

    upgrade: (res, req, context) => {
      const check = core.upgrade({
        query: req.getQuery() ?? "",
        origin: req.getHeader("origin"),
        remoteIp: Buffer.from(res.getRemoteAddressAsText()).toString(),
        forwardedFor: req.getHeader("x-forwarded-for") || undefined,
      });
      if (!check.ok) return refuse(res, STATUS_LINES[check.status], check.message, check.retryAfterSeconds);
      res.upgrade(check.data, req.getHeader("sec-websocket-key"), req.getHeader("sec-websocket-protocol"), req.getHeader("sec-websocket-extensions"), context);
    },

    open: (ws) => core.open(ws),
    // A view of uWS's own buffer, valid during this call only: the core copies what it keeps.
    message: (ws, message) => core.message(ws, new Uint8Array(message)),
    close: (ws) => core.close(ws),
  });

  return { closeAll: () => core.closeAll() };
}

const STATUS_LINES = { 403: "403 Forbidden", 404: "404 Not Found", 429: "429 Too Many Requests" } as const;

/** Answers an upgrade with an error instead of a socket. */
function refuse(res: HttpResponse, status: string, message: string, retryAfterSeconds?: number): void {
  res.cork(() => {
    res.writeStatus(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.writeHeader(name, value);
    res.writeHeader("content-type", "text/plain; charset=utf-8");
    if (retryAfterSeconds !== undefined) res.writeHeader("retry-after", String(retryAfterSeconds));
    res.end(message);
  });
}
