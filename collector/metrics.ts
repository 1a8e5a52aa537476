import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Evaluation } from "./engine.js";
import type { Decision } from "./rules/policy.js";

/**
 * The collector's Prometheus metrics, one registry per collector (so several in one process do not
 * mix). Rule timings and budget misses per ruleset and rule; decisions; shadow disagreements; the
 * stream's connections and frames.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly ruleSeconds = new Histogram({
    name: "vakt_rule_duration_seconds",
    help: "Time each rule took, per ruleset and rule.",
    labelNames: ["ruleset", "rule"] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  private readonly ruleOutcomes = new Counter({
    name: "vakt_rule_outcomes_total",
    help: "Rule executions by severity (hit rate = non-none / all), per ruleset and rule.",
    labelNames: ["ruleset", "rule", "severity"] as const,
    registers: [this.registry],
  });
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

  /** Per ruleset and rule, the labelled series, looked up once: prom-client hashes a label object on every call. */
  private readonly ruleSeries = new Map<string, { seconds: { observe(value: number): void }; outcomes: Map<string, { inc(): void }> }>();

  observeEvaluation(ruleset: string, evaluation: Evaluation): void {
    for (const row of evaluation.matrix) {
      const key = `${ruleset}\u0000${row.rule}`;
      let series = this.ruleSeries.get(key);
      if (!series) {
        series = { seconds: this.ruleSeconds.labels(ruleset, row.rule), outcomes: new Map() };
        this.ruleSeries.set(key, series);
      }
      let outcome = series.outcomes.get(row.severity);
      if (!outcome) {
        outcome = this.ruleOutcomes.labels(ruleset, row.rule, row.severity);
        series.outcomes.set(row.severity, outcome);
      }
      series.seconds.observe(row.ms / 1000);
      outcome.inc();
      if (row.status !== "ok") this.budgetMisses.inc({ ruleset, rule: row.rule, status: row.status });
    }
  }

  observeAssess(site: string, live: Decision, shadows: { ruleset: string; decision: Decision }[], seconds: number): void {
    this.decisions.inc({ site, decision: live });
    for (const shadow of shadows) {
      this.shadowDecisions.inc({ site, ruleset: shadow.ruleset, live, shadow: shadow.decision });
      if (shadow.decision !== live) this.shadowDisagreements.inc({ site, ruleset: shadow.ruleset });
    }
    this.assessSeconds.observe(seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
