import { z } from "zod";
import type { Assessor, SiteRules } from "../assess/assessor.js";
import { assessRequestSchema } from "../assess/request.js";
import { HttpError } from "../errors.js";
import type { Labeler } from "../labels.js";
import type { Store } from "../store/types.js";
import type { TokenService } from "../token.js";
import { formatPath } from "../validation.js";
import type { SecretKeys } from "./auth.js";
import { json, readJson, type Handler, type RequestInfo } from "./uws-http.js";

export interface RouteDeps {
  store: Store;
  tokens: TokenService;
  assessor: Assessor;
  labeler: Labeler;
  secrets: SecretKeys;
  siteRules: ReadonlyMap<string, SiteRules>;
  trustedProxies: ReadonlySet<string>;
}

/** Parses with a schema; the first problem becomes a 400 naming its field. */
function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = formatPath(issue.path);
  throw new HttpError(400, "invalid_request", path ? `${path}: ${issue.message}` : issue.message, { path });
}

export const health: Handler = () => json(200, { ok: true });

export function jwks(deps: RouteDeps): Handler {
  return () => json(200, deps.tokens.publicJwks(), { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" });
}

export function assess(deps: RouteDeps): Handler {
  return async (req, readBody) => {
    const site = deps.secrets.authenticate(req);
    const request = parse(assessRequestSchema, await readJson(req, readBody));
    const answer = await deps.assessor.assess(deps.siteRules.get(site.siteKey)!, request);
    return json(200, answer);
  };
}

const labelRequestSchema = z
  .strictObject({
    attempt: z.string().min(1).max(100).optional(),
    orderId: z.string().min(1).max(200).optional(),
    label: z.enum(["fraud", "legit"]),
    reason: z.string().max(1000).optional(),
  })
  .refine((v) => (v.attempt === undefined) !== (v.orderId === undefined), { message: "give exactly one of attempt or orderId", path: ["attempt"] });

export function labels(deps: RouteDeps): Handler {
  return async (req, readBody) => {
    const site = deps.secrets.authenticate(req);
    const body = parse(labelRequestSchema, await readJson(req, readBody));
    const target = body.attempt !== undefined ? { attempt: body.attempt } : { orderId: body.orderId! };
    const record = await deps.labeler.label(site.siteKey, target, body.label, body.reason);
    return json(200, { attempt: record.attemptId, label: record.label, labelledAt: new Date(record.atMs).toISOString() });
  };
}

export function attempt(deps: RouteDeps): Handler {
  return async (req: RequestInfo) => {
    const site = deps.secrets.authenticate(req);
    const id = req.params[0] ?? "";
    const record = await deps.store.getAttempt(id);
    if (!record || record.siteKey !== site.siteKey) throw new HttpError(404, "not_found", `no attempt ${id} for this site`);
    const label = await deps.store.getLabel(id);
    return json(200, {
      ...record.answer,
      shadow: record.answer.shadow.map((shadow) => ({
        ...shadow,
        agrees: shadow.decision === record.answer.decision,
        reasons: record.shadowMatrix?.find((m) => m.ruleset === shadow.ruleset)?.reasons ?? [],
      })),
      createdAt: new Date(record.tsMs).toISOString(),
      links: (record.links ?? []).map((link) => ({ attempt: link.attemptId, at: new Date(link.tsMs).toISOString(), via: link.via })),
      label: label ? { label: label.label, reason: label.reason ?? null, at: new Date(label.atMs).toISOString() } : null,
      review: record.review ? { status: record.review.status, at: new Date(record.review.atMs).toISOString() } : null,
    });
  };
}
