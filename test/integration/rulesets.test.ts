import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../collector/config.js";
import { newId } from "../../collector/ids.js";
import { startCollector, type RunningCollector } from "../../collector/main.js";

const SECRET = "sk_test_rules_secret";
const ADMIN = "admin-password-1";
const dir = mkdtempSync(join(tmpdir(), "vakt-rulesets-"));
const configPath = join(dir, "vakt.json");
const challengerPath = join(dir, "challenger.json");
let collector: RunningCollector;
let seq = 0;

/** A challenger that denies any order with a missing token: it disagrees with the default on every token-less order. */
const challenger = (severity: string) => ({
  description: "strict on tokens",
  policy: { deny: { high: 1 }, review: { medium: 2 }, challenge: { medium: 1 } },
  rules: { token: { missing: severity } },
});

function writeConfig(shadow: string[] = ["challenger"], live = "default") {
  writeFileSync(configPath, JSON.stringify({
    listen: { host: "127.0.0.1", port: 0 },
    store: { kind: "lmdb", path: join(dir, "data") },
    console: { password: ADMIN },
    sites: [{ siteKey: "pk_test_rules", secretKey: SECRET, origins: ["http://127.0.0.1:1"], rules: live, shadow }],
    rulesets: { challenger: "challenger.json" },
  }));
}

async function call(method: string, path: string, body?: unknown, secret = SECRET) {
  const response = await fetch(`${collector.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const assess = async () => (await call("POST", "/v1/assess", { order: { id: `ord_rules_${++seq}`, email: `r${seq}@example.com` } })).body;

beforeAll(async () => {
  writeFileSync(challengerPath, JSON.stringify(challenger("high")));
  writeConfig();
  collector = await startCollector(await loadConfigFile(configPath), { configPath, log: () => {} });
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("shadow rulesets", () => {
  it("run on every attempt, are returned and recorded, and do not decide", async () => {
    const answer = await assess();
    expect(answer.decision).toBe("challenge");
    expect(answer.shadow).toEqual([{ ruleset: "challenger", decision: "deny" }]);
    const stored = (await call("GET", `/v1/attempts/${answer.id}`)).body;
    expect(stored.shadow[0]).toMatchObject({ ruleset: "challenger", decision: "deny", agrees: false });
    expect(stored.shadow[0].reasons).toEqual([expect.objectContaining({ rule: "token", severity: "high" })]);
  });

  it("are summarised per ruleset: how often they agree with the live one and how they differ", async () => {
    await assess();
    const report = (await call("GET", "/v1/shadow-report?hours=1")).body;
    expect(report.live).toBe("default");
    const row = report.shadow.find((r: { ruleset: string }) => r.ruleset === "challenger");
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row.agree).toBe(0);
    expect(row.disagree).toBe(row.attempts);
    expect(row.changes["challenge->deny"]).toBe(row.attempts);
    expect((await call("GET", "/v1/shadow-report?hours=-1")).body).toMatchObject({ error: "invalid_request", path: "hours" });
  });

  it("show up in the metrics, with rule timings and decisions", async () => {
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    expect(text).toMatch(/vakt_shadow_disagreements_total\{site="pk_test_rules",ruleset="challenger"\} [1-9]/);
    expect(text).toMatch(/vakt_decisions_total\{site="pk_test_rules",decision="challenge"\} [1-9]/);
    expect(text).toMatch(/vakt_rule_duration_seconds_count\{ruleset="default",rule="device_velocity"\} [1-9]/);
    expect(text).toMatch(/vakt_rule_outcomes_total\{ruleset="challenger",rule="token",severity="high"\} [1-9]/);
    // Every assess here was recorded: the recording histogram counts each, within the assess's own time.
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("vakt_assess_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(value("vakt_assess_record_seconds_count")).toBe(value("vakt_assess_duration_seconds_count"));
    expect(value("vakt_assess_record_seconds_sum")).toBeGreaterThan(0);
    expect(value("vakt_assess_record_seconds_sum")).toBeLessThanOrEqual(value("vakt_assess_duration_seconds_sum"));
  });
});

describe("reloading rulesets", () => {
  it("refuses the admin call without the console password", async () => {
    expect((await call("POST", "/v1/admin/reload", {}, "wrong")).status).toBe(401);
  });

  it("refuses a bad ruleset file, naming the problem, and keeps the old rules live", async () => {
    writeFileSync(challengerPath, JSON.stringify({ policy: {}, rules: { token: { missing: "severe" }, velocity_of_light: {} } }));
    const refused = await call("POST", "/v1/admin/reload", {}, ADMIN);
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^rulesets\.challenger\.rules\.token\.missing: /),
      expect.stringMatching(/^rulesets\.challenger\.rules\.velocity_of_light: unknown rule/),
    ]));
    expect((await assess()).shadow).toEqual([{ ruleset: "challenger", decision: "deny" }]);
  });

  it("takes a good new ruleset on the admin call, without a restart", async () => {
    writeFileSync(challengerPath, JSON.stringify(challenger("medium")));
    const reloaded = await call("POST", "/v1/admin/reload", {}, ADMIN);
    expect(reloaded.body).toEqual({ reloaded: true, rulesets: ["default", "challenger"] });
    expect((await assess()).shadow).toEqual([{ ruleset: "challenger", decision: "challenge" }]);
  });

  it("promotes a challenger when the config file changes on disk", async () => {
    writeConfig([], "challenger");
    const deadline = Date.now() + 10_000;
    let answer = await assess();
    while (answer.shadow.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await assess();
    }
    expect(answer.shadow).toEqual([]);
    expect(answer.matrix.map((m: { rule: string }) => m.rule)).toEqual(["token"]);
  });
});

describe("retention", () => {
  it("deletes attempts, their index entries and sessions older than retentionDays, and keeps newer ones", async () => {
    const store = collector.store;
    const oldMs = Date.now() - 91 * 86_400_000;
    const old = { id: newId("att", oldMs), siteKey: "pk_test_rules", orderId: "ord_old", tsMs: oldMs, ids: { email: "old_email_hash" }, answer: { decision: "allow" } as never };
    await store.recordAttempt(old);
    await store.putSession({ id: newId("ses", oldMs), siteKey: "pk_test_rules", createdAtMs: oldMs, updatedAtMs: oldMs, signals: {} });
    const recent = await assess();
    expect(await store.history("email", "old_email_hash", 0, 10)).toHaveLength(1);

    const removed = await collector.retention.sweep();
    expect(removed).toEqual({ attempts: 1, sessions: 1 });
    expect(await store.getAttempt(old.id)).toBeUndefined();
    expect(await store.history("email", "old_email_hash", 0, 10)).toEqual([]);
    expect(await store.findAttemptIdByOrder("pk_test_rules", "ord_old")).toBeUndefined();
    expect(await store.getAttempt(recent.id)).toBeDefined();
  });
});
