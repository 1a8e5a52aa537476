import type { Decision } from "../rules/policy.js";
import type { Change, ReplayResult, RulesetStats } from "./replay.js";
import { barRows, columnPanels, Html, html, pointChart, type Point, type SeriesStyle } from "./svg-charts.js";

export interface HtmlReportMeta {
  /** The input file as given on the command line. */
  input: string;
  generatedAt: Date;
  /** As given, e.g. "7d"; shown as written. */
  labelDelay: string;
  skippedLines: number;
}

/** Changed attempts listed in full; the rest are counted. */
export const CHANGES_SHOWN = 200;

const DECISIONS: readonly Decision[] = ["allow", "challenge", "review", "deny"];
const RANK: Record<Decision, number> = { allow: 0, challenge: 1, review: 2, deny: 3 };
const CANDIDATE = { fill: "#1f5fa6", stroke: "#123d6b" };
const BASELINE = { fill: "#c4c4c4", stroke: "#4d4d4d" };

interface Side {
  role: "Candidate" | "Baseline";
  stats: RulesetStats;
  style: SeriesStyle;
}

const count = new Intl.NumberFormat("en-US").format;

function percent(share: number | null): string {
  if (share === null) return "—";
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)}%`;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const stopped = (s: RulesetStats) => s.decisions.review + s.decisions.deny;
const stopRate = (s: RulesetStats) => ratio(stopped(s), s.attempts);
const caught = (s: RulesetStats) => s.fraud.stopped + s.fraud.challenged;
const catchRate = (s: RulesetStats) => ratio(caught(s), s.fraud.total);

/** A self-contained HTML page (inline CSS and SVG, no script, no external resource) for `backtest --report`. */
export function renderHtmlReport(result: ReplayResult, meta: HtmlReportMeta): string {
  const sides: Side[] = [{ role: "Candidate", stats: result.candidate, style: { name: `Candidate: ${result.candidate.ruleset}`, ...CANDIDATE } }];
  if (result.baseline) sides.push({ role: "Baseline", stats: result.baseline, style: { name: `Baseline: ${result.baseline.ruleset}`, ...BASELINE } });
  const title = `Vakt backtest: ${sides.map((s) => s.stats.ruleset).join(" vs ")}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${header(result, meta)}
${headline(sides)}
${decisions(sides)}
${rules(sides)}
${rates(sides)}
${result.baseline ? changes(result.changes ?? [], result.changed ?? result.changes?.length ?? 0) : ""}
</main>
</body>
</html>
`.text;
}

function header(result: ReplayResult, meta: HtmlReportMeta): Html {
  const skipped = meta.skippedLines > 0
    ? html`<p class="warn">${count(meta.skippedLines)} input ${meta.skippedLines === 1 ? "line was" : "lines were"} skipped as malformed and are not counted here.</p>`
    : "";
  return html`<dl class="meta">
<dt>Input</dt><dd><code>${meta.input}</code></dd>
<dt>Generated</dt><dd><time datetime="${meta.generatedAt.toISOString()}">${meta.generatedAt.toISOString().replace("T", " ").slice(0, 19)} UTC</time></dd>
<dt>Label delay</dt><dd>${meta.labelDelay} (a label is known to the rules this long after its attempt)</dd>
<dt>Skipped input lines</dt><dd>${count(meta.skippedLines)}</dd>
<dt>Replay</dt><dd>${(result.durationMs / 1000).toFixed(1)} s, ${count(Math.round(result.attemptsPerSecond))} attempts/s</dd>
</dl>
${skipped}
<p class="summary">${summary(result.candidate, result.baseline)}</p>`;
}

function summary(c: RulesetStats, b: RulesetStats | undefined): string {
  if (!b) {
    return `The candidate stops ${count(stopped(c))} of ${count(c.attempts)} attempts (${percent(stopRate(c))}), ${count(c.legit.stopped)} of them labelled genuine, and catches ${count(caught(c))} of ${count(c.fraud.total)} labelled frauds (${percent(catchRate(c))}).`;
  }
  return `The candidate stops ${count(stopped(c))} attempts where the baseline stops ${count(stopped(b))}` +
    ` (labelled genuine: ${count(c.legit.stopped)} against ${count(b.legit.stopped)}),` +
    ` and catches ${count(caught(c))} of ${count(c.fraud.total)} labelled frauds where the baseline catches ${count(caught(b))}.`;
}

interface Metric {
  label: string;
  value: (s: RulesetStats) => number | null;
  isRate?: boolean;
}

const METRICS: Metric[] = [
  { label: "Attempts", value: (s) => s.attempts },
  { label: "Attempts stopped", value: stopped },
  { label: "Stop rate", value: stopRate, isRate: true },
  { label: "Labelled frauds", value: (s) => s.fraud.total },
  { label: "Frauds stopped", value: (s) => s.fraud.stopped },
  { label: "Frauds challenged", value: (s) => s.fraud.challenged },
  { label: "Frauds missed", value: (s) => s.fraud.total - caught(s) },
  { label: "Catch rate", value: catchRate, isRate: true },
  { label: "Labelled genuine orders", value: (s) => s.legit.total },
  { label: "Genuine orders stopped", value: (s) => s.legit.stopped },
  { label: "Genuine orders challenged", value: (s) => s.legit.challenged },
  { label: "Genuine orders let through", value: (s) => s.legit.total - s.legit.stopped - s.legit.challenged },
];

function difference(metric: Metric, candidate: number | null, baseline: number | null): string {
  if (candidate === null || baseline === null) return "—";
  const sign = (d: number) => (d > 0 ? "+" : d < 0 ? "−" : "±");
  if (metric.isRate) {
    const points = (candidate - baseline) * 100;
    return `${sign(points)}${Math.abs(points).toFixed(1)} pp`;
  }
  const d = candidate - baseline;
  const relative = baseline > 0 && d !== 0 ? ` (${sign(d)}${((Math.abs(d) / baseline) * 100).toFixed(1)}%)` : "";
  return `${sign(d)}${count(Math.abs(d))}${relative}`;
}

function headline(sides: Side[]): Html {
  const baseline = sides[1];
  const rows = METRICS.map((m) => {
    const values = sides.map((s) => m.value(s.stats));
    const cells = values.map((v) => html`<td>${m.isRate ? percent(v) : count(v ?? 0)}</td>`);
    const change = baseline ? html`<td>${difference(m, values[0]!, values[1]!)}</td>` : "";
    return html`<tr${m.isRate ? new Html(' class="rate"') : ""}><th scope="row">${m.label}</th>${cells}${change}</tr>`;
  });
  return html`<section aria-labelledby="headline">
<h2 id="headline">Headline</h2>
<table class="numbers">
<caption>Outcomes per ruleset${baseline ? ", and the candidate's change against the baseline" : ""}</caption>
<thead><tr><th scope="col">Measure</th>${sides.map((s) => html`<th scope="col">${s.style.name}</th>`)}${baseline ? html`<th scope="col">Change</th>` : ""}</tr></thead>
<tbody>${rows}</tbody>
</table>
<dl class="definitions">
<dt>Stopped</dt><dd>sent to manual review or denied. A challenge (a one-time code to the shopper) is counted apart.</dd>
<dt>Stop rate</dt><dd>attempts stopped ÷ all attempts, labelled or not.</dd>
<dt>Catch rate</dt><dd>(frauds stopped + frauds challenged) ÷ labelled frauds.</dd>
<dt>Missed</dt><dd>a labelled fraud that was allowed.</dd>
<dt>Let through</dt><dd>a labelled genuine order that was allowed.</dd>
${baseline ? html`<dt>pp</dt><dd>percentage points.</dd>` : ""}
</dl>
</section>`;
}

function decisions(sides: Side[]): Html {
  const panels = DECISIONS.map((d) => ({
    label: d,
    bars: sides.map((s) => ({ value: s.stats.decisions[d], lines: [count(s.stats.decisions[d]), percent(ratio(s.stats.decisions[d], s.stats.attempts))] as [string, string] })),
  }));
  const desc = sides.map((s) => `${s.style.name}: ${DECISIONS.map((d) => `${d} ${count(s.stats.decisions[d])}`).join(", ")}.`).join(" ");
  return html`<section aria-labelledby="decisions">
<h2 id="decisions">Decisions</h2>
<figure>
${columnPanels({ id: "chart-decisions", title: "Decisions per ruleset", desc }, sides.map((s) => s.style), panels)}
<figcaption>Attempts per decision, with the share of all attempts. Each decision has its own scale, so that few denials are as visible as many allows.</figcaption>
</figure>
<table class="numbers">
<caption>Decisions per ruleset (attempts, share of all attempts)</caption>
<thead><tr><th scope="col">Ruleset</th>${DECISIONS.map((d) => html`<th scope="col">${d}</th>`)}</tr></thead>
<tbody>${sides.map((s) => html`<tr><th scope="row">${s.style.name}</th>${DECISIONS.map((d) => html`<td>${count(s.stats.decisions[d])} <span class="share">${percent(ratio(s.stats.decisions[d], s.stats.attempts))}</span></td>`)}</tr>`)}</tbody>
</table>
</section>`;
}

function rules(sides: Side[]): Html {
  const hits = (s: Side, rule: string) => s.stats.rules[rule] ?? 0;
  const precision = (s: Side, rule: string) => s.stats.precision[rule] ?? null;
  const names = [...new Set(sides.flatMap((s) => Object.keys(s.stats.rules)))].sort(
    (a, b) => sides.reduce((order, s) => order || hits(s, b) - hits(s, a), 0) || a.localeCompare(b),
  );
  const note = (s: Side, rule: string) => {
    const share = precision(s, rule);
    const n = hits(s, rule);
    return `${count(n)} ${n === 1 ? "hit" : "hits"}${n === 0 ? "" : share === null ? " · none labelled" : ` · ${percent(share)} fraud`}`;
  };
  const rows = names.map((rule) => ({ label: rule, bars: sides.map((s) => ({ value: hits(s, rule), note: note(s, rule) })) }));
  const desc = names.length === 0 ? "No rule hit any attempt." : names.map((rule) => `${rule}: ${sides.map((s) => `${s.role.toLowerCase()} ${note(s, rule)}`).join("; ")}.`).join(" ");
  return html`<section aria-labelledby="rules">
<h2 id="rules">Rule hits and precision</h2>
<figure>
${barRows({ id: "chart-rules", title: "Hits per rule, with precision", desc }, sides.map((s) => s.style), rows, "No rule hit any attempt.")}
<figcaption>A hit is an attempt on which the rule gave a severity other than none. Precision: of the rule's hits on labelled attempts, the share that were fraud.</figcaption>
</figure>
<table class="numbers">
<caption>Hits and precision per rule${sides.length > 1 ? ", candidate and baseline side by side" : ""}</caption>
<thead><tr><th scope="col">Rule</th>${sides.map((s) => html`<th scope="col">${s.role} hits</th><th scope="col">${s.role} precision</th>`)}</tr></thead>
<tbody>${names.map((rule) => html`<tr><th scope="row"><code>${rule}</code></th>${sides.map((s) => html`<td>${count(hits(s, rule))}</td><td>${percent(precision(s, rule))}</td>`)}</tr>`)}</tbody>
</table>
</section>`;
}

function rates(sides: Side[]): Html {
  const points: Point[] = [];
  for (const s of sides) {
    const x = stopRate(s.stats), y = catchRate(s.stats);
    if (x !== null && y !== null) points.push({ label: s.style.name, x, y, style: s.style, shape: s.role === "Candidate" ? "circle" : "square" });
  }
  const desc = sides.map((s) => `${s.style.name}: stop rate ${percent(stopRate(s.stats))}, catch rate ${percent(catchRate(s.stats))}.`).join(" ");
  // Catch rates sit close to 100%: the y axis starts at a round tenth below the lowest, and says so.
  const yMin = Math.max(0, Math.floor((Math.min(1, ...points.map((p) => p.y)) - 0.05) * 10) / 10);
  const chart = pointChart(
    { id: "chart-rates", title: "Stop rate against catch rate per ruleset", desc },
    points,
    { x: "Stop rate", y: "Catch rate", yMin, note: "↖ better: up catches more fraud, left stops fewer orders" },
    "No labelled frauds, or no attempts: the catch rate is unknown.",
  );
  return html`<section aria-labelledby="rates">
<h2 id="rates">Stop rate and catch rate</h2>
<figure>
${chart}
<figcaption>${desc} Stop rate: attempts stopped ÷ all attempts. Catch rate: frauds stopped or challenged ÷ labelled frauds.${yMin > 0 ? ` The catch-rate axis starts at ${percent(yMin)}.` : ""}${points.length === 2 ? " The arrow runs from the baseline to the candidate." : ""}</figcaption>
</figure>
</section>`;
}

function changes(list: Change[], total: number): Html {
  if (total === 0) {
    return html`<section aria-labelledby="changes"><h2 id="changes">Changed attempts</h2><p>No attempt got a different decision from the candidate than from the baseline.</p></section>`;
  }
  const shown = list.slice(0, CHANGES_SHOWN);
  const rest = total - shown.length;
  return html`<section aria-labelledby="changes" class="changes">
<h2 id="changes">Changed attempts</h2>
${transitions(list)}
<table>
<caption>Attempts whose decision changed, in replay order${rest > 0 ? ` (the first ${count(shown.length)} of ${count(total)})` : ""}</caption>
<thead><tr><th scope="col">Line</th><th scope="col">Order</th><th scope="col">Time (UTC)</th><th scope="col">Label</th><th scope="col">Baseline</th><th scope="col">Candidate</th><th scope="col">Direction</th></tr></thead>
<tbody>${shown.map((c) => html`<tr><td class="num">${c.line}</td><td><code>${c.orderId}</code></td><td>${c.ts.replace("T", " ").replace(/(\.\d+)?Z$/, "")}</td><td>${c.label ?? "—"}</td><td>${c.baseline}</td><td>${c.candidate}</td><td>${RANK[c.candidate] > RANK[c.baseline] ? "stricter" : "more lenient"}</td></tr>`)}</tbody>
</table>
${rest > 0 ? html`<p class="more">… and ${count(rest)} more changed ${rest === 1 ? "attempt" : "attempts"}.</p>` : ""}
</section>`;
}

/** Changed attempts grouped by (baseline → candidate) decision, with their labels. */
function transitions(list: Change[]): Html {
  const groups = new Map<string, { from: Decision; to: Decision; total: number; fraud: number; legit: number }>();
  for (const c of list) {
    const key = `${c.baseline}>${c.candidate}`;
    const group = groups.get(key) ?? { from: c.baseline, to: c.candidate, total: 0, fraud: 0, legit: 0 };
    group.total += 1;
    if (c.label) group[c.label] += 1;
    groups.set(key, group);
  }
  const rows = [...groups.values()].sort((a, b) => b.total - a.total || RANK[a.from] - RANK[b.from] || RANK[a.to] - RANK[b.to]);
  return html`<table class="numbers">
<caption>Changed attempts by decision${list.length > CHANGES_SHOWN ? ` (all ${count(list.length)})` : ""}</caption>
<thead><tr><th scope="col">Baseline → candidate</th><th scope="col">Attempts</th><th scope="col">Labelled fraud</th><th scope="col">Labelled genuine</th></tr></thead>
<tbody>${rows.map((g) => html`<tr><th scope="row">${g.from} → ${g.to}</th><td>${count(g.total)}</td><td>${count(g.fraud)}</td><td>${count(g.legit)}</td></tr>`)}</tbody>
</table>`;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1a1a1a; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 64rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 .75rem; padding-top: .75rem; border-top: 1px solid #d0d0d0; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.summary { font-size: 1.05rem; padding: .75rem 1rem; background: #f2f5f9; border-left: 4px solid #1f5fa6; }
.warn { padding: .5rem 1rem; background: #fff4e0; border-left: 4px solid #a35a00; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { padding: .3rem .75rem; border-bottom: 1px solid #e0e0e0; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #8a8a8a; }
.numbers td, .num { text-align: right; }
tr.rate { background: #f2f5f9; font-weight: 600; }
.share { color: #595959; font-size: .9em; }
.definitions { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; color: #333; font-size: .92rem; }
.definitions dt { font-weight: 600; }
.definitions dd { margin: 0; }
figure { margin: 1rem 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .92rem; margin-top: .4rem; max-width: 48rem; }
.more { font-style: italic; }
@page { margin: 14mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, .numbers, .definitions, .meta { break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .summary, .warn, tr.rate, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
