/** The page's calls to the collector: JSON sent as text/plain (a simple CORS request), with the ticket. */

export type Channel = "email" | "phone";

export interface ChallengeView {
  attempt: string;
  status: "pending" | "passed" | "failed";
  channels: { channel: Channel; to: string }[];
  sent: { channel: Channel; to: string; expiresInSeconds: number } | null;
  triesLeft: number;
  sendsLeft: number;
  resendInSeconds: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly challenge?: ChallengeView,
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
  }
}

export type Call = (action: "state" | "send" | "verify", body?: Record<string, string>) => Promise<ChallengeView>;

export function api(collectorUrl: string, attemptId: string, ticket: string): Call {
  return async (action, body) => {
    let response: Response;
    try {
      response = await fetch(`${collectorUrl}/v1/challenges/${encodeURIComponent(attemptId)}/${action}`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ ticket, ...body }),
        credentials: "omit",
      });
    } catch {
      throw new ApiError(0, "network");
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data as ChallengeView;
    throw new ApiError(response.status, data.error ?? "error", data.challenge, data.retryAfterSeconds);
  };
}
