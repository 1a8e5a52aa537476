import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runVakt } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vakt-backtest-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vakt = (args: string[]) => runVakt(args, dir);

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const attempt = (n: number, minutes: number, device: string, email: string, label: string | null) =>
  JSON.stringify({ ts: Date.parse("2026-01-10T12:00:00Z") + minutes * 60_000, order: { id: `ord_${n}`, email }, device: { id: device }, label });

const STRICT = { policy: { review: { high: 1 }, challenge: { medium: 1 } }, rules: { device_identities: { window: "1h", thresholds: { medium: 2, high: 3 }, kinds: ["email"] } } };
const LENIENT = { policy: { review: { high: 1 } }, rules: { device_identities: { window: "1h", thresholds: { high: 3 }, kinds: ["email"] } } };

const input = file(
  "attempts.ndjson",
  [
    attempt(1, 0, "D1", "a@x.se", "legit"),
    attempt(2, 1, "D1", "b@x.se", "fraud"),
    "{ not json",
    attempt(3, 2, "D1", "c@x.se", "fraud"),
    JSON.stringify({ ts: "yesterday", order: { id: "ord_bad" } }),
    "",
    attempt(4, 3, "D2", "z@x.se", null),
  ].join("\n"),
);
const strictRules = file("strict.json", JSON.stringify(STRICT));
const lenientRules = file("lenient.json", JSON.stringify(LENIENT));

describe("npx vakt backtest", () => {
  it("prints one parseable JSON object on stdout with --json, and reports skipped lines on stderr", async () => {
    const { code, stdout, stderr } = await vakt(["backtest", "--input", input, "--rules", strictRules, "--baseline", lenientRules, "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.candidate).toMatchObject({ attempts: 4, fraud: { total: 2, stopped: 1, challenged: 1 }, legit: { total: 1, stopped: 0, challenged: 0 }, rules: { device_identities: 2 } });
    expect(result.baseline).toMatchObject({ attempts: 4, fraud: { total: 2, stopped: 1, challenged: 0 } });
    expect(result.changed).toBe(1);
    expect(result.changes).toEqual([expect.objectContaining({ line: 2, orderId: "ord_2", baseline: "allow", candidate: "challenge" })]);
    expect(result.skipped).toBe(2);
    expect(stderr).toMatch(/skipped line 3: not valid JSON/);
    expect(stderr).toMatch(/skipped line 5: ts: not an ISO-8601 time/);
  });

  it("prints a readable summary without --json, naming the rulesets and the changed attempts", async () => {
    const { code, stdout } = await vakt(["backtest", "--input", input, "--rules", strictRules, "--baseline", lenientRules]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^strict: 4 attempts/m);
    expect(stdout).toMatch(/fraud\s+2: stopped 1, challenged 1, missed 0/);
    expect(stdout).toMatch(/^lenient: 4 attempts/m);
    expect(stdout).toMatch(/1 attempts changed decision/);
    expect(stdout).toMatch(/line\s+2\s+ord_2 .* fraud: allow -> challenge/);
  });

  it("writes a self-contained HTML report with --report", async () => {
    const report = join(dir, "report.html");
    const { code, stdout } = await vakt(["backtest", "--input", input, "--rules", strictRules, "--baseline", lenientRules, "--report", report]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/report written to .*report\.html/);
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("<svg");
    expect(html).toContain("strict");
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
  });

  it("stops at the first bad line with --strict", async () => {
    const { code, stdout, stderr } = await vakt(["backtest", "--input", input, "--rules", "default", "--strict"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/line 3: not valid JSON/);
  });

  it("takes the built-in default ruleset by name", async () => {
    const { code, stdout } = await vakt(["backtest", "--input", input, "--rules", "default", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).candidate.ruleset).toBe("default");
  });

  it("reads CSV with a column mapping and its conversions", async () => {
    const csv = file(
      "orders.csv",
      ["user_id,signup_time,purchase_time,purchase_value,device_id,ip_address,class", "1,2015-01-01 18:52,2015-01-01 18:52,15,DEV1,732758368.8,1", "2,2015-01-01 10:00,2015-02-01 12:00,44.5,DEV2,3840542444,0"].join("\n"),
    );
    const mapping = readFileSync(new URL("../../docs/examples/ecommerce-fraud-sample.mapping.json", import.meta.url), "utf8");
    const { code, stdout } = await vakt(["backtest", "--input", csv, "--map", file("mapping.json", mapping), "--rules", "default", "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.candidate).toMatchObject({ attempts: 2, fraud: { total: 1 }, legit: { total: 1 } });
    expect(result.candidate.rules.account_age).toBe(1);
  });

  it("refuses a bad ruleset with every problem's path, and bad usage with a clear line", async () => {
    const bad = file("bad.json", JSON.stringify({ policy: {}, rules: { device_velocity: { window: "-3h", thresholds: { low: 5, medium: 3 } } } }));
    const refused = await vakt(["backtest", "--input", input, "--rules", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/rules\.device_velocity\.window: not a duration/);
    expect(refused.stderr).toMatch(/rules\.device_velocity\.thresholds\.medium: medium \(3\) must be above low \(5\)/);
    const unknown = await vakt(["backtest", "--input", input, "--rules", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"nope" is neither a ruleset file nor a built-in ruleset/);
    const noDelay = await vakt(["backtest", "--input", input, "--rules", "default", "--label-delay", "soon"]);
    expect(noDelay.stderr).toMatch(/--label-delay: "soon" is not a duration/);
    const csvWithoutMap = await vakt(["backtest", "--input", file("x.csv", "a,b\n1,2"), "--rules", "default"]);
    expect(csvWithoutMap.stderr).toMatch(/give its column mapping with --map/);
    const gzippedCsvWithoutMap = await vakt(["backtest", "--input", file("x.csv.gz", "a,b\n1,2"), "--rules", "default"]);
    expect(gzippedCsvWithoutMap.stderr).toMatch(/give its column mapping with --map/);
    const directory = await vakt(["backtest", "--input", tmpdir(), "--rules", "default"]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`--input: ${tmpdir()} is not a file`);
  });
});
