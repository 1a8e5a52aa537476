import { z } from "zod";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Assessor } from "../assess/assessor.js";
import type { LiveRules } from "../live-rules.js";
import type { Metrics } from "../metrics.js";
import { assessRequestSchema, readAssessRequest } from "../assess/request.js";
import { HttpError } from "../errors.js";
import type { Labeler } from "../labels.js";
import type { Store } from "../store/types.js";
import type { TokenService } from "../token.js";
import type { SecretKeys } from "./auth.js";
import { json, readJson, type Handler, type RequestInfo } from "./uws-http.js";
import { parseBody } from "./parse-body.js";

export { mountCollect } from "./collect.js";

export interface RouteDeps {
  store: Store;
  tokens: TokenService;
  assessor: Assessor;
  labeler: Labeler;
  secrets: SecretKeys;
  rules: LiveRules;
  metrics: Metrics;
  trustedProxies: ReadonlySet<string>;
  consolePassword: string | undefined;
}

/** `{ ok: true }`, or 503 while a shared store cannot be reached (assess still answers, with its fallback decision). */
export function health(store: Store): Handler {
  return async () => {
    const isAvailable = (await store.isAvailable?.()) ?? true;
    return isAvailable ? json(200, { ok: true }) : json(503, { ok: false, store: "unavailable" });
  };
}

export function jwks(deps: RouteDeps): Handler {
  return () => json(200, deps.tokens.publicJwks(), { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" });
}

export function assess(deps: RouteDeps): Handler {
  return async (req, readBody) => {
    const site = deps.secrets.authenticate(req);
    const request = parseBody(assessRequestSchema, await readJson(req, readBody), readAssessRequest);
    const answer = await deps.assessor.assess(deps.rules.get(site.siteKey)!, request);
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
    const body = parseBody(labelRequestSchema, await readJson(req, readBody));
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

export function metrics(deps: RouteDeps): Handler {
  return async () => ({ status: 200, body: await deps.metrics.text(), headers: { "content-type": deps.metrics.registry.contentType, "cache-control": "no-store" } });
}

const MAX_REPORT_ATTEMPTS = 100_000;

/** How often each shadow ruleset agreed with the live one, over the site's recent attempts: the case for promoting a challenger. */
export function shadowReport(deps: RouteDeps): Handler {
  return async (req) => {
    const site = deps.secrets.authenticate(req);
    const hours = Number(req.query.get("hours") ?? "24");
    if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 365) throw new HttpError(400, "invalid_request", "hours: a number of hours between 0 and 8760", { path: "hours" });
    const untilMs = Date.now() + 1;
    const attempts = await deps.store.listAttempts({ sinceMs: untilMs - hours * 3_600_000, untilMs, limit: MAX_REPORT_ATTEMPTS, siteKey: site.siteKey });
    const byRuleset = new Map<string, { ruleset: string; attempts: number; agree: number; disagree: number; changes: Record<string, number> }>();
    for (const attempt of attempts) {
      for (const shadow of attempt.answer.shadow) {
        const row = byRuleset.get(shadow.ruleset) ?? { ruleset: shadow.ruleset, attempts: 0, agree: 0, disagree: 0, changes: {} };
        row.attempts += 1;
        if (shadow.decision === attempt.answer.decision) row.agree += 1;
        else {
          row.disagree += 1;
          const change = `${attempt.answer.decision}->${shadow.decision}`;
          row.changes[change] = (row.changes[change] ?? 0) + 1;
        }
        byRuleset.set(shadow.ruleset, row);
      }
    }
    const live = deps.rules.get(site.siteKey)!;
    return json(200, {
      site: site.siteKey,
      live: live.live.name,
      since: new Date(untilMs - hours * 3_600_000).toISOString(),
      attempts: attempts.length,
      isTruncated: attempts.length >= MAX_REPORT_ATTEMPTS,
      shadow: [...byRuleset.values()],
    });
  };
}

/** Operator call: re-read the config file's rulesets. Authenticated with the console password. */
export function reload(deps: RouteDeps): Handler {
  return async (req) => {
    if (!deps.consolePassword) throw new HttpError(404, "not_found", "the admin API is off: set console.password in the config");
    const presented = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
    const digest = (text: string) => createHash("sha256").update(text).digest();
    if (!timingSafeEqual(digest(presented), digest(deps.consolePassword))) throw new HttpError(401, "unauthorized", "send the console password as `Authorization: Bearer <password>`");
    const result = await deps.rules.reload();
    if (!result.ok) return json(400, { error: "invalid_request", message: `reload refused, the live rules stay: ${result.problems.join("; ")}`, problems: result.problems });
    return json(200, { reloaded: true, rulesets: result.rulesets });
  };
}
