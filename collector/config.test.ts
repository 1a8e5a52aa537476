import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, parseConfig } from "./config.js";
import { DEFAULT_RULESET } from "./rules/default-ruleset.js";

const SITE = { siteKey: "pk_test_demo", secretKey: "sk_test_demo_secret", origins: ["http://localhost:8080"] };
const STRICT = {
  policy: { deny: { high: 2 }, review: { medium: 1 } },
  rules: { token: {}, device_velocity: { window: "1h", thresholds: { medium: 3, high: 5 } } },
};

const minimal = (extra: Record<string, unknown> = {}) => ({ sites: [SITE], ...extra });

/** The problems a config is refused with; fails the test if it is accepted. */
async function problemsOf(raw: unknown, baseDir?: string): Promise<string[]> {
  try {
    await parseConfig(raw, baseDir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect((err as ConfigError).message.split("\n").slice(1)).toEqual(problems.map((p) => `  ${p}`));
    return problems;
  }
  throw new Error("the config was accepted");
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vakt-unit-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("parseConfig defaults", () => {
  it("fills every field but sites", async () => {
    const config = await parseConfig(minimal());
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 8787 });
    expect(config.publicUrl).toBe("http://127.0.0.1:8787");
    expect(config.store).toEqual({ kind: "lmdb", path: ".vakt-data" });
    expect(config.trustProxy).toEqual([]);
    expect(config.retentionDays).toBe(90);
    expect(config.token).toEqual({ ttlSeconds: 600 });
    expect(config.sites).toEqual([{ ...SITE, rules: "default", shadow: [] }]);
    expect([...config.rulesets.keys()]).toEqual(["default"]);
    expect(config.rulesets.get("default")).toBe(DEFAULT_RULESET);
  });

  it("fills the defaults inside a partly given section", async () => {
    const config = await parseConfig(minimal({ listen: { port: 9000 }, store: { kind: "lmdb" }, token: {} }));
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(config.publicUrl).toBe("http://127.0.0.1:9000");
    expect(config.store).toEqual({ kind: "lmdb", path: ".vakt-data" });
    expect(config.token).toEqual({ ttlSeconds: 600 });
  });

  it("keeps the contract's example config as written", async () => {
    const config = await parseConfig({
      listen: { host: "127.0.0.1", port: 8787 },
      publicUrl: "http://127.0.0.1:8787",
      store: { kind: "lmdb", path: ".vakt-data" },
      trustProxy: [],
      retentionDays: 90,
      token: { ttlSeconds: 600 },
      console: { password: "change-me" },
      sites: [{ siteKey: "pk_test_demo", secretKey: "sk_test_demo", origins: ["http://localhost:8080"], rules: "default" }],
      rulesets: { strict: STRICT },
    });
    expect(config.console).toEqual({ password: "change-me" });
    expect([...config.rulesets.keys()].sort()).toEqual(["default", "strict"]);
  });

  it("uses a given publicUrl, without a trailing slash", async () => {
    expect((await parseConfig(minimal({ publicUrl: "https://risk.example.com/" }))).publicUrl).toBe("https://risk.example.com");
    expect((await parseConfig(minimal({ publicUrl: "https://risk.example.com" }))).publicUrl).toBe("https://risk.example.com");
  });

  it("derives a publicUrl that is a URL for an IPv6 listen host", async () => {
    const config = await parseConfig(minimal({ listen: { host: "::1", port: 8787 } }));
    expect(config.publicUrl).toBe("http://[::1]:8787");
  });

  it("accepts redis stores, single and cluster", async () => {
    expect((await parseConfig(minimal({ store: { kind: "redis", url: "redis://127.0.0.1:6379" } }))).store).toEqual({ kind: "redis", url: "redis://127.0.0.1:6379" });
    const cluster = { kind: "redis", cluster: ["redis://10.0.0.1:6379", "rediss://10.0.0.2:6380"] };
    expect((await parseConfig(minimal({ store: cluster }))).store).toEqual(cluster);
    const withFallback = { kind: "redis", url: "redis://127.0.0.1:6379", fallbackDecision: "deny" };
    expect((await parseConfig(minimal({ store: withFallback }))).store).toEqual(withFallback);
  });
});

describe("parseConfig refuses", () => {
  it("a config without sites", async () => {
    expect(await problemsOf({})).toEqual([expect.stringMatching(/^sites: /)]);
    expect(await problemsOf({ sites: [] })).toEqual(["sites: at least one site"]);
  });

  it("origins that are not URL origins, naming each by index", async () => {
    const problems = await problemsOf(
      minimal({ sites: [{ ...SITE, origins: ["http://localhost:8080", "http://shop.example/checkout", "shop.example", "ftp://shop.example"] }] }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^sites\[0\]\.origins\[1\]: not a URL origin/),
      expect.stringMatching(/^sites\[0\]\.origins\[2\]: not a URL origin/),
      expect.stringMatching(/^sites\[0\]\.origins\[3\]: not a URL origin/),
    ]);
    expect(await problemsOf(minimal({ sites: [{ ...SITE, origins: [] }] }))).toEqual(["sites[0].origins: at least one origin"]);
  });

  it("or normalises an origin with a trailing slash to what a browser sends as Origin", async () => {
    const config = await parseConfig(minimal({ sites: [{ ...SITE, origins: ["http://localhost:8080/"] }] }));
    expect(config.sites[0]!.origins).toEqual(["http://localhost:8080"]);
  });

  it("a short secret key", async () => {
    expect(await problemsOf(minimal({ sites: [{ ...SITE, secretKey: "sk_short" }] }))).toEqual(["sites[0].secretKey: at least 12 characters"]);
  });

  it("duplicate site keys", async () => {
    const problems = await problemsOf({ sites: [SITE, { ...SITE, secretKey: "sk_another_secret" }] });
    expect(problems).toEqual([expect.stringMatching(/^sites\[1\]\.siteKey: duplicate site key "pk_test_demo"/)]);
  });

  it("a secret key equal to the site key", async () => {
    const problems = await problemsOf({ sites: [{ ...SITE, siteKey: "pk_test_demo_key", secretKey: "pk_test_demo_key" }] });
    expect(problems).toEqual([expect.stringMatching(/^sites\[0\]\.secretKey: /)]);
  });

  it("unknown ruleset names in rules and in shadow", async () => {
    const problems = await problemsOf({
      sites: [{ ...SITE, rules: "strcit", shadow: ["default", "experimental"] }],
      rulesets: { strict: STRICT },
    });
    expect(problems).toEqual(['sites[0].rules: unknown ruleset "strcit"', 'sites[0].shadow[1]: unknown ruleset "experimental"']);
  });

  it("a ruleset name that only exists on Object.prototype", async () => {
    const problems = await problemsOf({ sites: [{ ...SITE, rules: "constructor", shadow: ["toString"] }] });
    expect(problems).toEqual(['sites[0].rules: unknown ruleset "constructor"', 'sites[0].shadow[0]: unknown ruleset "toString"']);
  });

  it.each([-1, 65536, 80.5, "8787"])("the port %j", async (port) => {
    expect(await problemsOf(minimal({ listen: { port } }))).toEqual([expect.stringMatching(/^listen\.port: /)]);
  });

  it("an unknown top-level field, naming it", async () => {
    const problems = await problemsOf(minimal({ rulset: "strict" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("rulset");
  });

  it("a trustProxy entry that is not an IP", async () => {
    expect(await problemsOf(minimal({ trustProxy: ["10.0.0.1", "proxy.internal", "10.0.0.0/8"] }))).toEqual([
      "trustProxy[1]: not an IP address",
      "trustProxy[2]: not an IP address",
    ]);
  });

  it("a redis store with a bad url", async () => {
    expect(await problemsOf(minimal({ store: { kind: "redis", url: "http://127.0.0.1:6379" } }))).toEqual([
      expect.stringMatching(/^store\.url: not a redis/),
    ]);
    expect(await problemsOf(minimal({ store: { kind: "redis", url: "redis://" } }))).toEqual([expect.stringMatching(/^store\.url: /)]);
    expect(await problemsOf(minimal({ store: { kind: "redis", cluster: ["redis://10.0.0.1:6379", "10.0.0.2:6379"] } }))).toEqual([
      expect.stringMatching(/^store\.cluster\[1\]: not a redis/),
    ]);
  });

  it("a redis store's unknown fallback decision", async () => {
    expect(await problemsOf(minimal({ store: { kind: "redis", cluster: ["redis://10.0.0.1:6379"], fallbackDecision: "block" } }))).toEqual([
      expect.stringMatching(/^store\.fallbackDecision: /),
    ]);
    expect(await problemsOf(minimal({ store: { kind: "redis" } }))).toEqual(["store.url: give exactly one of url or cluster"]);
  });

  it("a retentionDays or token ttl out of range", async () => {
    expect(await problemsOf(minimal({ retentionDays: 0 }))).toEqual([expect.stringMatching(/^retentionDays: /)]);
    expect(await problemsOf(minimal({ token: { ttlSeconds: 5 } }))).toEqual([expect.stringMatching(/^token\.ttlSeconds: /)]);
  });

  it("lists several problems, one line each", async () => {
    const problems = await problemsOf({
      listen: { port: 70000 },
      sites: [{ siteKey: "pk", secretKey: "short", origins: ["http://a.example/b"] }],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^listen\.port: /),
      expect.stringMatching(/^sites\[0\]\.siteKey: /),
      expect.stringMatching(/^sites\[0\]\.secretKey: /),
      expect.stringMatching(/^sites\[0\]\.origins\[0\]: not a URL origin/),
    ]);
  });

  it("lists a schema problem together with a duplicate site key and an unknown ruleset", async () => {
    const problems = await problemsOf({
      listen: { port: 70000 },
      sites: [SITE, { ...SITE, secretKey: "sk_another_secret", rules: "nope" }],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^listen\.port: /),
      expect.stringMatching(/^sites\[1\]\.siteKey: duplicate/),
      expect.stringMatching(/^sites\[1\]\.rules: unknown ruleset/),
    ]);
  });
});

describe("parseConfig rulesets", () => {
  it("loads an inline named ruleset for live and shadow use", async () => {
    const config = await parseConfig({ sites: [{ ...SITE, rules: "strict", shadow: ["default"] }], rulesets: { strict: STRICT } });
    const strict = config.rulesets.get("strict")!;
    expect(strict.policy).toEqual(STRICT.policy);
    expect(strict.rules.map((r) => r.definition.id)).toEqual(["token", "device_velocity"]);
    expect(config.sites[0]).toMatchObject({ rules: "strict", shadow: ["default"] });
  });

  it("reports a broken inline ruleset under rulesets.NAME, and not again as an unknown name", async () => {
    const broken = { policy: STRICT.policy, rules: { device_velocity: { window: "3 hours", thresholds: { high: 2 } }, nope: {} } };
    const problems = await problemsOf({ sites: [{ ...SITE, rules: "strict" }], rulesets: { strict: broken } });
    expect(problems).toEqual([
      expect.stringMatching(/^rulesets\.strict\.rules\.device_velocity\.window: not a duration/),
      expect.stringMatching(/^rulesets\.strict\.rules\.nope: unknown rule/),
    ]);
  });

  it("reads a ruleset file relative to baseDir", async () => {
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "rules", "strict.json"), JSON.stringify(STRICT));
    const config = await parseConfig({ sites: [{ ...SITE, rules: "strict" }], rulesets: { strict: "rules/strict.json" } }, dir);
    expect(config.rulesets.get("strict")!.rules.map((r) => r.definition.id)).toEqual(["token", "device_velocity"]);
  });

  it("reports problems in a ruleset file under rulesets.NAME", async () => {
    writeFileSync(join(dir, "strict.json"), JSON.stringify({ policy: { review: {} }, rules: {} }));
    expect(await problemsOf({ sites: [SITE], rulesets: { strict: "strict.json" } }, dir)).toEqual([
      "rulesets.strict.policy.review: at least one of high, medium, low",
    ]);
  });

  it("reports a missing ruleset file with its path", async () => {
    const problems = await problemsOf({ sites: [SITE], rulesets: { strict: "missing.json" } }, dir);
    expect(problems).toEqual([expect.stringMatching(/^rulesets\.strict: cannot read .*missing\.json: ENOENT/)]);
    expect(problems[0]).toContain(join(dir, "missing.json"));
  });

  it("reports a ruleset file that is not JSON", async () => {
    writeFileSync(join(dir, "strict.json"), "{ policy: ");
    expect(await problemsOf({ sites: [SITE], rulesets: { strict: "strict.json" } }, dir)).toEqual([
      expect.stringMatching(/^rulesets\.strict: .*strict\.json is not valid JSON/),
    ]);
  });

  it("refuses to redefine the built-in default", async () => {
    const problems = await problemsOf({ sites: [SITE], rulesets: { default: STRICT } });
    expect(problems).toEqual([expect.stringMatching(/^rulesets\.default: /)]);
    expect(problems[0]).toContain("built in");
  });

  it("refuses a ruleset name with other characters", async () => {
    const problems = await problemsOf({ sites: [SITE], rulesets: { "my strict": STRICT } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^rulesets/);
  });
});

describe("loadConfigFile", () => {
  it("reads a JSON file and resolves ruleset files from its directory", async () => {
    mkdirSync(join(dir, "conf"));
    writeFileSync(join(dir, "conf", "strict.json"), JSON.stringify(STRICT));
    writeFileSync(join(dir, "conf", "vakt.json"), JSON.stringify({ sites: [{ ...SITE, rules: "strict" }], rulesets: { strict: "strict.json" } }));
    const config = await loadConfigFile(join(dir, "conf", "vakt.json"));
    expect(config.rulesets.has("strict")).toBe(true);
    expect(config.sites[0]!.rules).toBe("strict");
  });

  it("refuses a file that is not JSON, saying so with the path", async () => {
    const path = join(dir, "vakt.json");
    writeFileSync(path, "listen: 8787\n");
    const err = await loadConfigFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^config: .*vakt\.json is not valid JSON/)]);
    expect((err as ConfigError).problems[0]).toContain(path);
  });

  it("refuses a missing file, saying it cannot be read", async () => {
    const path = join(dir, "nope.json");
    const err = await loadConfigFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([`config: cannot read ${path}: ENOENT`]);
    expect((err as ConfigError).message).toContain(path);
  });

  it("reports the problems of a valid JSON file that is not a valid config", async () => {
    const path = join(dir, "vakt.json");
    writeFileSync(path, JSON.stringify({ sites: [{ ...SITE, origins: ["localhost:8080"] }] }));
    const err = await loadConfigFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^sites\[0\]\.origins\[0\]: not a URL origin/)]);
  });
});
