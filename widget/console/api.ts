import type { AttemptDetail, QueuePage } from "../../collector/console/reviews.js";
import type { Overview } from "../../collector/console/overview.js";

export type { AttemptDetail, Overview, QueuePage };
export type QueueItem = QueuePage["items"][number];

export interface SessionInfo {
  csrf: string;
  expiresAt: string;
  sites: string[];
  rules: string[];
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}

let csrf = "";
/** Called when a call finds the session gone (expired, or the password changed). */
let onSignedOut: () => void = () => {};

export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method === "POST") headers["x-vakt-csrf"] = csrf;
  const response = await fetch(`/console/api/${path}`, { method, headers, credentials: "same-origin", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    if (response.status === 401 && path !== "login") onSignedOut();
    const retry = Number(response.headers.get("retry-after") ?? "");
    throw new ApiError(response.status, String(data.error ?? "error"), String(data.message ?? response.statusText), Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
  return data as T;
}

function remember(session: SessionInfo): SessionInfo {
  csrf = session.csrf;
  return session;
}

export const api = {
  session: () => call<SessionInfo>("GET", "session").then(remember),
  login: (password: string) => call<SessionInfo>("POST", "login", { password }).then(remember),
  logout: () => call<unknown>("POST", "logout"),
  reviews: (filter: Record<string, string>) => call<QueuePage>("GET", `reviews?${new URLSearchParams(filter)}`),
  attempt: (id: string) => call<AttemptDetail>("GET", `attempts/${encodeURIComponent(id)}`),
  label: (id: string, label: "legit" | "fraud", note: string) => call<AttemptDetail>("POST", `attempts/${encodeURIComponent(id)}/label`, { label, ...(note ? { note } : {}) }),
  overview: () => call<Overview>("GET", "overview"),
};
