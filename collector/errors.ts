/** The one error the collector throws on purpose; `toErrorBody` turns it into the contract's JSON error. */
export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "not_found"
  | "method_not_allowed"
  | "too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { path?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = "HttpError";
  }
}

export const badRequest = (message: string, path?: string) =>
  new HttpError(400, "invalid_request", message, path === undefined ? {} : { path });

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  path?: string;
}

/** Maps anything thrown by a handler to a status and body. Unknown errors become a 500 without internals. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; isUnexpected: boolean } {
  if (err instanceof HttpError) {
    const body: ErrorBody = { error: err.code, message: err.message };
    if (err.extra.path !== undefined) body.path = err.extra.path;
    return { status: err.status, body, isUnexpected: false };
  }
  return { status: 500, body: { error: "internal", message: "internal error" }, isUnexpected: true };
}
