import type { Decision } from "../rules/policy.js";
import type { AttemptRecord, Store } from "../store/types.js";

const DAY_MS = 86_400_000;
export const DECISIONS: readonly Decision[] = ["allow", "challenge", "review", "deny"];

export interface RuleStats {
  rule: string;
  runs: number;
  /** Executions with a severity above none. */
  hits: number;
  p50Ms: number;
  p99Ms: number;
  timeouts: number;
  errors: number;
}

export interface ShadowStats {
  site: string;
  ruleset: string;
  attempts: number;
  disagree: number;
  /** `live->shadow` decision pairs where they differ, with counts. */
  changes: Record<string, number>;
}

export interface Overview {
  since: string;
  until: string;
  /** UTC days of the window, oldest first (YYYY-MM-DD). */
  days: string[];
  attempts: number;
  /** Days with more attempts than the per-day cap: their counts are of the first `perDayCap` only. */
  cappedDays: string[];
  perDayCap: number;
  /** Per site, per day, live decisions. */
  decisions: { site: string; days: Record<Decision, number>[] }[];
  rules: RuleStats[];
  shadow: ShadowStats[];
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The `q` quantile (0–1) of sorted values, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Decisions per day per site, live rule hit rates and timings, and shadow disagreement over the last
 * `days` UTC days of stored attempts. Reads one day at a time, newest first, at most `perDayCap`
 * attempts per day (a flood on one day cannot crowd the others out, and memory stays bounded by a
 * day's slice), and names the days the cap cut.
 */
export async function computeOverview(store: Store, options: { nowMs: number; days: number; perDayCap: number; siteKey?: string }): Promise<Overview> {
  const todayStart = Math.floor(options.nowMs / DAY_MS) * DAY_MS;
  const sinceMs = todayStart - (options.days - 1) * DAY_MS;
  const builder = new OverviewBuilder(sinceMs, options.days);
  const cappedDays: string[] = [];
  for (let d = 0; d < options.days; d++) {
    const dayStart = todayStart - d * DAY_MS;
    const untilMs = d === 0 ? options.nowMs + 1 : dayStart + DAY_MS;
    const slice = await store.listAttempts({ sinceMs: dayStart, untilMs, limit: options.perDayCap + 1, ...(options.siteKey ? { siteKey: options.siteKey } : {}) });
    if (slice.length > options.perDayCap) {
      cappedDays.push(dayOf(dayStart));
      slice.length = options.perDayCap;
    }
    for (const attempt of slice) builder.add(attempt);
  }
  return builder.result({ nowMs: options.nowMs, cappedDays: cappedDays.reverse(), perDayCap: options.perDayCap });
}

export class OverviewBuilder {
  readonly days: string[];
  private readonly dayIndex: Map<string, number>;
  private readonly perSite = new Map<string, Record<Decision, number>[]>();
  private readonly timings = new Map<string, { ms: number[]; hits: number; timeouts: number; errors: number }>();
  private readonly shadow = new Map<string, ShadowStats>();
  private count = 0;

  constructor(private readonly sinceMs: number, days: number) {
    this.days = Array.from({ length: days }, (_, i) => dayOf(sinceMs + i * DAY_MS));
    this.dayIndex = new Map(this.days.map((day, i) => [day, i]));
  }

  add(attempt: AttemptRecord): void {
    const index = this.dayIndex.get(dayOf(attempt.tsMs));
    if (index === undefined) return;
    this.count += 1;
    let siteDays = this.perSite.get(attempt.siteKey);
    if (!siteDays) {
      siteDays = this.days.map(() => ({ allow: 0, challenge: 0, review: 0, deny: 0 }));
      this.perSite.set(attempt.siteKey, siteDays);
    }
    siteDays[index]![attempt.answer.decision] += 1;

    for (const row of attempt.answer.matrix) {
      let rule = this.timings.get(row.rule);
      if (!rule) {
        rule = { ms: [], hits: 0, timeouts: 0, errors: 0 };
        this.timings.set(row.rule, rule);
      }
      rule.ms.push(row.ms);
      if (row.severity !== "none") rule.hits += 1;
      if (row.status === "timeout") rule.timeouts += 1;
      if (row.status === "error") rule.errors += 1;
    }

    for (const s of attempt.answer.shadow) {
      const key = `${attempt.siteKey}\u0000${s.ruleset}`;
      const row = this.shadow.get(key) ?? { site: attempt.siteKey, ruleset: s.ruleset, attempts: 0, disagree: 0, changes: {} };
      row.attempts += 1;
      if (s.decision !== attempt.answer.decision) {
        row.disagree += 1;
        const change = `${attempt.answer.decision}->${s.decision}`;
        row.changes[change] = (row.changes[change] ?? 0) + 1;
      }
      this.shadow.set(key, row);
    }
  }

  result(options: { nowMs: number; cappedDays: string[]; perDayCap: number }): Overview {
    const rules: RuleStats[] = [...this.timings].map(([rule, t]) => {
      const sorted = Float64Array.from(t.ms).sort();
      return { rule, runs: t.ms.length, hits: t.hits, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), timeouts: t.timeouts, errors: t.errors };
    });
    rules.sort((a, b) => b.hits / b.runs - a.hits / a.runs || a.rule.localeCompare(b.rule));
    return {
      since: new Date(this.sinceMs).toISOString(),
      until: new Date(options.nowMs).toISOString(),
      days: this.days,
      attempts: this.count,
      cappedDays: options.cappedDays,
      perDayCap: options.perDayCap,
      decisions: [...this.perSite].sort(([a], [b]) => a.localeCompare(b)).map(([site, counts]) => ({ site, days: counts })),
      rules,
      shadow: [...this.shadow.values()].sort((a, b) => a.site.localeCompare(b.site) || a.ruleset.localeCompare(b.ruleset)),
    };
  }
}
