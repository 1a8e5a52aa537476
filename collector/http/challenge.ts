import type { TemplatedApp } from "uWebSockets.js";
import { z } from "zod";
import { ChallengeError, type ChallengeService } from "../challenge/service.js";
import { LANGS } from "../challenge/messages.js";
import type { SiteConfig } from "../config.js";
import { HttpError, toErrorResponse } from "../errors.js";
import type { Store } from "../store/types.js";
import type { SecretKeys } from "./auth.js";
import { staticAsset } from "./static-asset.js";
import { json, readJson, serve, type Handler, type Reply, type RequestInfo } from "./uws-http.js";
import { parseBody } from "./parse-body.js";

export interface ChallengeRouteDeps {
  store: Store;
  challenges: ChallengeService;
  secrets: SecretKeys;
  sites: ReadonlyMap<string, SiteConfig>;
  /** The built widget (dist/public/vakt-challenge.js), served as /v1/challenge.js. */
  widget: Buffer;
  onError: (err: unknown, req: RequestInfo) => void;
}

/** Paths with a route here, for the 405 of other methods (the page's routes answer their own). */
export const CHALLENGE_PATHS = ["/v1/challenge.js", "/v1/challenges"];

/** The page's calls carry a ticket and a code or a channel: small. */
const MAX_PAGE_BODY_BYTES = 2048;
const MAX_MERCHANT_BODY_BYTES = 4096;

const ticket = z.string().max(200);
const pageSchemas = {
  state: z.strictObject({ ticket }),
  send: z.strictObject({ ticket, channel: z.enum(["email", "phone"]), lang: z.enum(LANGS).default("en") }),
  verify: z.strictObject({ ticket, code: z.string().max(32) }),
};
type Action = keyof typeof pageSchemas;
const openSchema = z.strictObject({ attempt: z.string().min(1).max(100) });

/** Every refusal as the contract's JSON error; a challenge refusal also carries the state to show and, for 429, when to retry. */
function errorReply(err: unknown, headers: Record<string, string>): Reply {
  if (err instanceof ChallengeError) {
    const { path, challenge, retryAfterSeconds } = err.extra;
    return json(
      err.status,
      { error: err.code, message: err.message, ...(path === undefined ? {} : { path }), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }), ...(challenge ? { challenge } : {}) },
      { ...headers, ...(retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) }) },
    );
  }
  if (err instanceof HttpError) {
    const { status, body } = toErrorResponse(err);
    return json(status, body, headers);
  }
  throw err;
}

/**
 * The step-up challenge's routes: the widget bundle; `POST /v1/challenges` for the merchant's backend
 * (secret key) which hands the page a ticket; and the page's own calls, `POST /v1/challenges/:id/(state|send|verify)`
 * with that ticket, answered with CORS only for the attempt's site origins.
 */
export function mountChallenge(app: TemplatedApp, deps: ChallengeRouteDeps): void {
  const options = { onError: deps.onError };
  serve(app, "get", "/v1/challenge.js", staticAsset(deps.widget, "text/javascript; charset=utf-8"), { ...options, maxBodyBytes: 0 });
  serve(app, "post", "/v1/challenges", openChallenge(deps), { ...options, maxBodyBytes: MAX_MERCHANT_BODY_BYTES });
  serve(app, "any", "/v1/challenges/:id/:action", pageCall(deps), { ...options, maxBodyBytes: MAX_PAGE_BODY_BYTES, paramCount: 2 });
}

function openChallenge(deps: ChallengeRouteDeps): Handler {
  return async (req, readBody) => {
    const site = deps.secrets.authenticate(req);
    const body = parseBody(openSchema, await readJson(req, readBody));
    try {
      const { ticket, view } = await deps.challenges.open(site.siteKey, body.attempt);
      return json(200, { ticket, ...view });
    } catch (err) {
      return errorReply(err, {});
    }
  };
}

function pageCall(deps: ChallengeRouteDeps): Handler {
  return async (req, readBody) => {
    const [attemptId = "", actionName = ""] = req.params;
    const origin = req.headers.get("origin");
    const attempt = await deps.store.getAttempt(attemptId);
    const site = attempt ? deps.sites.get(attempt.siteKey) : undefined;
    const isAllowedOrigin = origin === undefined || (site?.origins.includes(origin) ?? false);
    const cors: Record<string, string> = origin !== undefined && isAllowedOrigin ? { "access-control-allow-origin": origin, vary: "Origin" } : { vary: "Origin" };
    try {
      if (!Object.hasOwn(pageSchemas, actionName)) throw new HttpError(404, "not_found", `no route ${req.path}`);
      const action = actionName as Action;
      if (req.method === "options") {
        return { status: 204, body: "", headers: { ...cors, "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type", "access-control-max-age": "600" } };
      }
      if (req.method !== "post") throw new HttpError(405, "method_not_allowed", `${req.method.toUpperCase()} is not allowed on ${req.path}`);
      if (!site) throw new HttpError(404, "not_found", `no challenge ${attemptId}`);
      if (!isAllowedOrigin) throw new ChallengeError(403, "forbidden_origin", `${origin} is not an origin of this site`);
      const body = await readPageJson(req, readBody);
      switch (action) {
        case "state":
          return json(200, await deps.challenges.state(attemptId, parseBody(pageSchemas.state, body).ticket), cors);
        case "send": {
          const { ticket, channel, lang } = parseBody(pageSchemas.send, body);
          return json(200, await deps.challenges.send(attemptId, ticket, channel, lang), cors);
        }
        case "verify": {
          const { ticket, code } = parseBody(pageSchemas.verify, body);
          return json(200, await deps.challenges.verify(attemptId, ticket, code), cors);
        }
      }
    } catch (err) {
      return errorReply(err, cors);
    }
  };
}

/** JSON sent as `text/plain` (a simple request, no preflight: what the widget sends) or as `application/json`. */
async function readPageJson(req: RequestInfo, readBody: () => Promise<Buffer>): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (/^text\/plain\s*(;|$)/i.test(type)) return readJson({ ...req, headers: new Map([...req.headers, ["content-type", "application/json"]]) }, readBody);
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(400, "invalid_request", "Content-Type must be application/json or text/plain");
  return readJson(req, readBody);
}
