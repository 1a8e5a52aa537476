import { Counter, Gauge, Histogram, Registry, type Metric } from "prom-client";
import type { Evaluation } from "./engine.js";
import type { Decision } from "./rules/policy.js";
import { SEVERITIES, type Severity } from "./rules/types.js";

/**
 * The collector's Prometheus metrics, one registry per collector (so several in one process do not
 * mix). Rule timings and budget misses per ruleset and rule; decisions; shadow disagreements; the
 * stream's connections and frames.
 */
export class Metrics {
  readonly registry = new Registry();

  /** vakt_rule_duration_seconds and vakt_rule_outcomes_total: see RuleSeries. */
  private readonly rules = new RuleSeries(this.registry);
  private readonly budgetMisses = new Counter({
    name: "vakt_rule_budget_misses_total",
    help: "Rule executions that missed their time budget (timeout) or failed (error).",
    labelNames: ["ruleset", "rule", "status"] as const,
    registers: [this.registry],
  });
  private readonly decisions = new Counter({
    name: "vakt_decisions_total",
    help: "Live decisions per site.",
    labelNames: ["site", "decision"] as const,
    registers: [this.registry],
  });
  private readonly shadowDecisions = new Counter({
    name: "vakt_shadow_decisions_total",
    help: "Shadow ruleset decisions per site, with the live decision they stood beside.",
    labelNames: ["site", "ruleset", "live", "shadow"] as const,
    registers: [this.registry],
  });
  private readonly shadowDisagreements = new Counter({
    name: "vakt_shadow_disagreements_total",
    help: "Attempts where a shadow ruleset decided differently from the live one.",
    labelNames: ["site", "ruleset"] as const,
    registers: [this.registry],
  });
  private readonly assessSeconds = new Histogram({
    name: "vakt_assess_duration_seconds",
    help: "Time to assess an attempt, from a parsed request to a recorded answer.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly recordSeconds = new Histogram({
    name: "vakt_assess_record_seconds",
    help: "Of vakt_assess_duration_seconds, the time spent waiting for the attempt to be recorded durably in the store.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly streamConnections = new Gauge({
    name: "vakt_stream_connections",
    help: "Open script streams (WebSockets).",
    registers: [this.registry],
  });
  readonly streamFrames = new Counter({
    name: "vakt_stream_frames_total",
    help: "Frames received on the stream and over the HTTP fallback, by type and result.",
    labelNames: ["type", "result"] as const,
    registers: [this.registry],
  });

  observeEvaluation(ruleset: string, evaluation: Evaluation): void {
    const series = this.rules.forRuleset(ruleset, evaluation.matrix);
    const { matrix } = evaluation;
    for (let i = 0; i < matrix.length; i++) {
      const row = matrix[i]!;
      series[i]!.observe(row.ms / 1000, row.severity);
      if (row.status !== "ok") this.budgetMisses.inc({ ruleset, rule: row.rule, status: row.status });
    }
  }

  /** `seconds` from a parsed request to a recorded answer; `recordSeconds`, the part of it spent recording (none for an unrecorded fallback). */
  observeAssess(site: string, live: Decision, shadows: { ruleset: string; decision: Decision }[], seconds: number, recordSeconds?: number): void {
    this.decisions.inc({ site, decision: live });
    for (const shadow of shadows) {
      this.shadowDecisions.inc({ site, ruleset: shadow.ruleset, live, shadow: shadow.decision });
      if (shadow.decision !== live) this.shadowDisagreements.inc({ site, ruleset: shadow.ruleset });
    }
    this.assessSeconds.observe(seconds);
    if (recordSeconds !== undefined) this.recordSeconds.observe(recordSeconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

const SECONDS_NAME = "vakt_rule_duration_seconds";
const RULE_SECONDS_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** One ruleset's rule: its duration histogram (per bucket, not cumulative) and its outcomes by severity. */
class RuleSeriesEntry {
  readonly buckets = new Float64Array(RULE_SECONDS_BUCKETS.length);
  sum = 0;
  count = 0;
  readonly outcomes = new Float64Array(SEVERITIES.length);

  constructor(readonly labels: { ruleset: string; rule: string }) {}

  observe(seconds: number, severity: Severity): void {
    let b = 0;
    while (b < RULE_SECONDS_BUCKETS.length && seconds > RULE_SECONDS_BUCKETS[b]!) b++;
    if (b < RULE_SECONDS_BUCKETS.length) this.buckets[b]! += 1;
    this.sum += seconds;
    this.count += 1;
    this.outcomes[SEVERITY_INDEX[severity]]! += 1;
  }
}

const SEVERITY_INDEX: Record<Severity, number> = { none: 0, low: 1, medium: 2, high: 3 };

/**
 * The per-rule metrics, which every assess updates 25 times per ruleset: kept in plain counters and
 * turned into prom-client's exposition only when scraped. prom-client's own labelled observe and inc
 * build and hash a label object and validate it on every call, which cost more than most rules.
 * Registered as two metrics that read like prom-client's Histogram and Counter (the same names,
 * labels, buckets and text).
 */
class RuleSeries {
  private readonly all: RuleSeriesEntry[] = [];
  private readonly byKey = new Map<string, RuleSeriesEntry>();
  /** Per ruleset, the series in the order of its last matrix: a matrix lists its rules in a fixed order. */
  private readonly byRuleset = new Map<string, { rules: string[]; series: RuleSeriesEntry[] }>();

  constructor(registry: Registry) {
    // The registry reads any object with these members; its typings name only its own classes.
    const register = (metric: { name: string; help: string; type: string; values: () => unknown[] }) =>
      registry.registerMetric({
        name: metric.name,
        help: metric.help,
        type: metric.type,
        aggregator: "sum",
        get: async () => ({ name: metric.name, help: metric.help, type: metric.type, values: metric.values(), aggregator: "sum" }),
        reset: () => this.reset(),
      } as unknown as Metric);
    register({ name: SECONDS_NAME, help: "Time each rule took, per ruleset and rule.", type: "histogram", values: () => this.secondsValues() });
    register({ name: "vakt_rule_outcomes_total", help: "Rule executions by severity (hit rate = non-none / all), per ruleset and rule.", type: "counter", values: () => this.outcomeValues() });
  }

  /** The series for each row of a ruleset's matrix, in its order. */
  forRuleset(ruleset: string, matrix: readonly { rule: string }[]): RuleSeriesEntry[] {
    const known = this.byRuleset.get(ruleset);
    if (known !== undefined && isSameOrder(known.rules, matrix)) return known.series;
    const rules = matrix.map((row) => row.rule);
    const series = rules.map((rule) => this.entry(ruleset, rule));
    this.byRuleset.set(ruleset, { rules, series });
    return series;
  }

  private entry(ruleset: string, rule: string): RuleSeriesEntry {
    const key = `${ruleset}\u0000${rule}`;
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = new RuleSeriesEntry({ ruleset, rule });
      this.byKey.set(key, entry);
      this.all.push(entry);
    }
    return entry;
  }

  private reset(): void {
    this.all.length = 0;
    this.byKey.clear();
    this.byRuleset.clear();
  }

  private secondsValues() {
    const name = SECONDS_NAME;
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const entry of this.all) {
      let cumulative = 0;
      RULE_SECONDS_BUCKETS.forEach((le, b) => {
        cumulative += entry.buckets[b]!;
        values.push({ labels: { le, ...entry.labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { le: "+Inf", ...entry.labels }, value: entry.count, metricName: `${name}_bucket` });
      values.push({ labels: { ...entry.labels }, value: entry.sum, metricName: `${name}_sum` });
      values.push({ labels: { ...entry.labels }, value: entry.count, metricName: `${name}_count` });
    }
    return values;
  }

  private outcomeValues() {
    const values: { labels: Record<string, string>; value: number }[] = [];
    for (const entry of this.all) {
      SEVERITIES.forEach((severity, s) => {
        if (entry.outcomes[s]! > 0) values.push({ labels: { ...entry.labels, severity }, value: entry.outcomes[s]! });
      });
    }
    return values;
  }
}

function isSameOrder(rules: readonly string[], matrix: readonly { rule: string }[]): boolean {
  if (rules.length !== matrix.length) return false;
  for (let i = 0; i < rules.length; i++) if (rules[i] !== matrix[i]!.rule) return false;
  return true;
}
