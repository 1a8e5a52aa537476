import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadCsvMapping } from "../backtest/csv.js";
import { InputLineError } from "../backtest/input.js";
import { replayFile } from "../backtest/replay-file.js";
import type { ReplayResult, RulesetStats } from "../backtest/replay.js";
import { parseDurationMs } from "../duration.js";
import { DEFAULT_RULESET } from "../rules/default-ruleset.js";
import { parseRuleset, RulesetError, type Ruleset } from "../rules/ruleset.js";
import { Progress } from "./progress.js";

export const BACKTEST_USAGE = `usage: vakt backtest --input FILE --rules RULESET [--baseline RULESET] [options]
  --input FILE          attempts, one JSON object per line (or CSV with --map); gzip-compressed or not
  --rules RULESET       the candidate: a ruleset JSON file or a built-in name (default)
  --baseline RULESET    compare with this ruleset and list the attempts whose decision changed
  --map FILE            read --input as CSV, with this column mapping (see docs/backtest.md)
  --label-delay TIME    a label becomes known this long after its attempt (e.g. 7d; default 0)
  --json                print one JSON object to stdout and nothing else
  --report FILE         also write a self-contained HTML report
  --strict              stop at the first bad input line (exit 1) instead of skipping it`;

class UsageError extends Error {}

const BUILT_IN: Record<string, Ruleset> = { default: DEFAULT_RULESET };

/** `vakt backtest ...`: returns the exit code (0 done, 1 bad input or ruleset, 2 usage). */
export async function backtestCommand(args: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`vakt backtest: ${(err as Error).message}\n${BACKTEST_USAGE}`);
      return 2;
    }
    throw err;
  }
  const progress = new Progress(process.stdout.isTTY === true && !options.json, process.stderr);
  try {
    const candidate = { name: rulesetName(options.rules), ruleset: loadRuleset(options.rules, "--rules") };
    const baseline = options.baseline === undefined ? undefined : { name: rulesetName(options.baseline), ruleset: loadRuleset(options.baseline, "--baseline") };
    if (baseline && baseline.name === candidate.name) baseline.name = `${baseline.name} (baseline)`;

    let startedMs = Date.now();
    const read = await replayFile(options.input, {
      strict: options.strict,
      ...(options.map ? { csv: loadCsvMapping(options.map) } : {}),
      onRead: (bytes, ofBytes) => progress.update(`reading ${bar(bytes / ofBytes)} ${megabytes(bytes)} of ${megabytes(ofBytes)} MB`),
      onReplayStart: () => (startedMs = Date.now()),
      candidate,
      ...(baseline ? { baseline } : {}),
      labelDelayMs: options.labelDelayMs,
      onProgress: (done, total) => {
        const perSecond = done / Math.max((Date.now() - startedMs) / 1000, 0.001);
        progress.update(`${bar(done / total)} ${done}/${total} attempts, ${Math.round(perSecond)}/s, ETA ${Math.ceil((total - done) / perSecond)}s`);
      },
    });
    progress.done();
    const { result } = read;
    for (const problem of read.skipped.slice(0, 20)) console.error(`vakt backtest: skipped ${problem.message}`);
    if (read.skipped.length > 20) console.error(`vakt backtest: skipped ${read.skipped.length - 20} more bad lines`);

    if (options.report) {
      const { renderHtmlReport } = await import("../backtest/report-html.js");
      writeFileSync(options.report, renderHtmlReport(result, { input: options.input, generatedAt: new Date(), labelDelay: options.labelDelayText, skippedLines: read.skipped.length }));
    }
    if (options.json) {
      console.log(JSON.stringify({ ...result, skipped: read.skipped.length }));
    } else {
      console.log(formatText(result, read.attempts, read.skipped.length, options.labelDelayText));
      if (options.report) console.log(`report written to ${options.report}`);
    }
    return 0;
  } catch (err) {
    progress.done();
    if (err instanceof UsageError) {
      console.error(`vakt backtest: ${err.message}\n${BACKTEST_USAGE}`);
      return 2;
    }
    if (err instanceof InputLineError) {
      console.error(`vakt backtest: ${options.input} ${err.message} (--strict)`);
      return 1;
    }
    if (err instanceof RulesetError) {
      console.error(`vakt backtest: the ruleset is not valid:\n${err.problems.map((p) => `  ${p}`).join("\n")}`);
      return 1;
    }
    console.error(`vakt backtest: ${(err as Error).message}`);
    return 1;
  }
}

function parseOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      input: { type: "string" },
      rules: { type: "string" },
      baseline: { type: "string" },
      map: { type: "string" },
      "label-delay": { type: "string", default: "0" },
      json: { type: "boolean", default: false },
      report: { type: "string" },
      strict: { type: "boolean", default: false },
    },
  });
  if (!values.input) throw new UsageError("--input FILE is required");
  if (!values.rules) throw new UsageError("--rules RULESET is required");
  if (!existsSync(values.input)) throw new UsageError(`--input: no file ${values.input}`);
  if (!statSync(values.input).isFile()) throw new UsageError(`--input: ${values.input} is not a file`);
  if (!values.map && /\.csv(\.gz)?$/i.test(values.input)) throw new UsageError("--input is a CSV file: give its column mapping with --map FILE");
  const labelDelayText = values["label-delay"];
  const labelDelayMs = labelDelayText === "0" ? 0 : parseDurationMs(labelDelayText);
  if (labelDelayMs === undefined) throw new UsageError(`--label-delay: "${labelDelayText}" is not a duration such as 0, 12h or 7d`);
  return { input: values.input, rules: values.rules, baseline: values.baseline, map: values.map, labelDelayMs, labelDelayText, json: values.json, report: values.report, strict: values.strict };
}

function rulesetName(spec: string): string {
  return spec in BUILT_IN ? spec : spec.replace(/^.*[\\/]/, "").replace(/\.json$/i, "");
}

function loadRuleset(spec: string, flag: string): Ruleset {
  const builtIn = Object.hasOwn(BUILT_IN, spec) ? BUILT_IN[spec] : undefined;
  if (builtIn) return builtIn;
  if (!existsSync(spec)) throw new UsageError(`${flag}: "${spec}" is neither a ruleset file nor a built-in ruleset (${Object.keys(BUILT_IN).join(", ")})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, "utf8"));
  } catch (err) {
    throw new Error(`${flag}: ${spec} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRuleset(raw);
}

function bar(share: number): string {
  const width = 24;
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

const megabytes = (bytes: number) => Math.round(bytes / 1e6).toLocaleString("en");
const pct = (part: number, whole: number) => (whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`);

function formatStats(stats: RulesetStats): string[] {
  const { fraud, legit } = stats;
  const stopped = fraud.stopped + legit.stopped;
  const lines = [
    `${stats.ruleset}: ${stats.attempts} attempts; decisions: ${Object.entries(stats.decisions).map(([d, n]) => `${d} ${n}`).join(", ")}`,
    `  fraud     ${fraud.total}: stopped ${fraud.stopped}, challenged ${fraud.challenged}, missed ${fraud.total - fraud.stopped - fraud.challenged} (caught ${pct(fraud.stopped + fraud.challenged, fraud.total)})`,
    `  genuine   ${legit.total}: stopped ${legit.stopped}, challenged ${legit.challenged}, let through ${legit.total - legit.stopped - legit.challenged} (stopped ${pct(legit.stopped, legit.total)})`,
    `  stop rate ${pct(stopped, stats.attempts)} of all attempts reviewed or denied`,
    `  rule hits (precision = share of labelled hits that were fraud):`,
  ];
  const rules = Object.entries(stats.rules).sort((a, b) => b[1] - a[1]);
  for (const [rule, hits] of rules) {
    const precision = stats.precision[rule];
    lines.push(`    ${rule.padEnd(20)} ${String(hits).padStart(8)}   precision ${precision === null || precision === undefined ? "-" : precision.toFixed(3)}`);
  }
  if (rules.length === 0) lines.push("    (no rule fired)");
  return lines;
}

function formatText(result: ReplayResult, attempts: number, skipped: number, labelDelay: string): string {
  const lines = [`replayed ${attempts} attempts (${skipped} bad lines skipped, label delay ${labelDelay}) at ${Math.round(result.attemptsPerSecond)} attempts/s`, ""];
  lines.push(...formatStats(result.candidate));
  if (result.baseline) {
    lines.push("", ...formatStats(result.baseline), "", `${result.changed} attempts changed decision (baseline -> candidate)${result.changed ? ":" : ""}`);
    for (const change of result.changes!.slice(0, 20)) {
      lines.push(`  line ${String(change.line).padStart(7)}  ${change.orderId}  ${change.ts}  ${change.label ?? "unlabelled"}: ${change.baseline} -> ${change.candidate}`);
    }
    if (result.changed! > 20) lines.push(`  ... and ${result.changed! - 20} more (all of them with --json)`);
  }
  return lines.join("\n");
}
