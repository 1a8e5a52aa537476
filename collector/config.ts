import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isIP } from "node:net";
import { z } from "zod";
import { describeIssues } from "./validation.js";
import { parseRuleset, RulesetError, type Ruleset } from "./rules/ruleset.js";
import { DEFAULT_RULESET } from "./rules/default-ruleset.js";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid config:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** A page origin as browsers send it in `Origin`; a trailing slash is dropped so it still matches. */
const origin = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value.replace(/\/$/, "");
    } catch {
      return false;
    }
  }, "not a URL origin (scheme://host[:port], no path)")
  .transform((value) => new URL(value).origin);

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}, "not an http(s) URL");

const redisUrl = z.string().regex(/^rediss?:\/\/[^/\s]+(\/\d+)?$/, "not a redis://HOST:PORT URL");
/** What assess answers when the shared store cannot be reached (default `review`). */
const fallbackDecision = z.enum(["allow", "challenge", "review", "deny"]);
const keyText = z.string().regex(/^[A-Za-z0-9_-]{3,128}$/, "3 to 128 letters, digits, _ or -");

const siteSchema = z.strictObject({
  siteKey: keyText,
  secretKey: z.string().min(12, "at least 12 characters").max(256),
  origins: z.array(origin).min(1, "at least one origin"),
  rules: z.string().min(1).default("default"),
  shadow: z.array(z.string().min(1)).default([]),
});

/** A token bucket: a sustained rate and the burst allowed after a quiet spell. */
const bucket = (perSecond: number, burst: number) =>
  z
    .strictObject({
      perSecond: z.number().positive("a positive number").max(1_000_000).default(perSecond),
      burst: z.int().min(1).max(10_000_000).default(burst),
    })
    .default({ perSecond, burst });

/**
 * Per collector process. The defaults sit above what one collector can assess (BENCHMARKS.md), so a
 * sale-day peak is held back by capacity, never by a limit; they stop one key or address from taking it all.
 */
const rateLimitsSchema = z.strictObject({
  apiPerKey: bucket(5000, 50_000),
  apiPerIp: bucket(5000, 50_000),
  streamConnectionsPerIp: z.int().min(1).max(1_000_000).default(500),
  streamOpensPerIp: bucket(50, 500),
  streamFramesPerIp: bucket(1000, 10_000),
});
const RATE_LIMIT_DEFAULTS = rateLimitsSchema.parse({});

/** A sender as mail clients write it: `no-reply@shop.example` or `Shop <no-reply@shop.example>`. */
const mailbox = z.string().regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/, "not an e-mail address (addr@host or Name <addr@host>)");

const notifySchema = z.strictObject({
  /** E-mails one-time codes through this SMTP server. */
  smtp: z
    .strictObject({
      host: z.string().min(1),
      port: z.int().min(1).max(65535).default(587),
      secure: z.boolean().default(false),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      from: mailbox,
    })
    .refine((smtp) => (smtp.user === undefined) === (smtp.password === undefined), { message: "give both user and password, or neither", path: ["password"] })
    .optional(),
  /** Demo only: codes for every channel without another notifier go to the collector's log and memory. */
  outbox: z.boolean().default(false),
});

const configSchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      port: z.int().min(0).max(65535).default(8787),
    })
    .default({ host: "127.0.0.1", port: 8787 }),
  publicUrl: httpUrl.optional(),
  store: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("lmdb"), path: z.string().min(1).default(".vakt-data") }),
      z
        .strictObject({ kind: z.literal("redis"), url: redisUrl.optional(), cluster: z.array(redisUrl).min(1).optional(), fallbackDecision: fallbackDecision.optional() })
        .refine((store) => (store.url === undefined) !== (store.cluster === undefined), { message: "give exactly one of url or cluster", path: ["url"] }),
    ])
    .default({ kind: "lmdb", path: ".vakt-data" }),
  trustProxy: z.array(z.string().refine((ip) => isIP(ip) !== 0, "not an IP address")).default([]),
  retentionDays: z.int().min(1).max(3650).default(90),
  token: z.strictObject({ ttlSeconds: z.int().min(30).max(86_400).default(600) }).default({ ttlSeconds: 600 }),
  console: z.strictObject({ password: z.string().min(8, "at least 8 characters") }).optional(),
  notify: notifySchema.optional(),
  sites: z.array(siteSchema).min(1, "at least one site"),
  rateLimits: rateLimitsSchema.default(RATE_LIMIT_DEFAULTS),
  rulesets: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "ruleset names are letters, digits, _ or -"), z.union([z.string(), z.record(z.string(), z.unknown())])).default({}),
});

export type SiteConfig = z.output<typeof siteSchema>;
export type RateLimitsConfig = z.output<typeof rateLimitsSchema>;
export type StoreConfig = z.output<typeof configSchema>["store"];
export type NotifyConfig = z.output<typeof notifySchema>;

export interface Config extends Omit<z.output<typeof configSchema>, "publicUrl" | "rulesets"> {
  publicUrl: string;
  rulesets: Map<string, Ruleset>;
  /** The ruleset files the config names (absolute), watched for reloads. */
  rulesetFiles: string[];
}

/**
 * Validates a parsed config object. Relative ruleset files are read from `baseDir`. Throws ConfigError
 * listing every problem: the schema's, the named rulesets', and the cross-field ones, all at once.
 */
export async function parseConfig(raw: unknown, baseDir = process.cwd()): Promise<Config> {
  const parsed = configSchema.safeParse(raw);
  const problems = parsed.success ? [] : describeIssues(parsed.error);
  const input = isRecord(raw) ? raw : {};
  const rulesetFiles = isRecord(input.rulesets)
    ? Object.values(input.rulesets).filter((v): v is string => typeof v === "string").map((path) => resolve(baseDir, path))
    : [];
  const rulesets = await loadRulesets(input.rulesets, baseDir, problems);
  const declared = new Set(["default", ...(isRecord(input.rulesets) ? Object.keys(input.rulesets) : [])]);
  problems.push(...crossSiteProblems(input.sites, declared));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const value = parsed.data;
  const host = value.listen.host.includes(":") ? `[${value.listen.host}]` : value.listen.host;
  const publicUrl = (value.publicUrl ?? `http://${host}:${value.listen.port}`).replace(/\/$/, "");
  return { ...value, publicUrl, rulesets, rulesetFiles };
}

async function loadRulesets(raw: unknown, baseDir: string, problems: string[]): Promise<Map<string, Ruleset>> {
  const rulesets = new Map<string, Ruleset>([["default", DEFAULT_RULESET]]);
  if (!isRecord(raw)) return rulesets;
  for (const [name, source] of Object.entries(raw)) {
    const path = `rulesets.${name}`;
    if (name === "default") {
      problems.push(`${path}: "default" is built in and cannot be redefined`);
      continue;
    }
    if (typeof source !== "string" && !isRecord(source)) continue; // the schema reports it
    try {
      const rulesetRaw = typeof source === "string" ? await readJsonFile(resolve(baseDir, source), path) : source;
      rulesets.set(name, parseRuleset(rulesetRaw, path));
    } catch (err) {
      if (err instanceof RulesetError || err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  return rulesets;
}

/** Checks that span fields: unique site keys, secrets that differ from site keys, ruleset names that exist. */
function crossSiteProblems(raw: unknown, declaredRulesets: ReadonlySet<string>): string[] {
  if (!Array.isArray(raw)) return [];
  const problems: string[] = [];
  const seenKeys = new Set<string>();
  raw.forEach((site: unknown, i) => {
    if (!isRecord(site)) return;
    if (typeof site.siteKey === "string") {
      if (seenKeys.has(site.siteKey)) problems.push(`sites[${i}].siteKey: duplicate site key "${site.siteKey}"`);
      seenKeys.add(site.siteKey);
      if (site.secretKey === site.siteKey) problems.push(`sites[${i}].secretKey: must differ from the site key`);
    }
    if (typeof site.rules === "string" && !declaredRulesets.has(site.rules)) {
      problems.push(`sites[${i}].rules: unknown ruleset "${site.rules}"`);
    }
    if (Array.isArray(site.shadow)) {
      site.shadow.forEach((name: unknown, j) => {
        if (typeof name === "string" && !declaredRulesets.has(name)) problems.push(`sites[${i}].shadow[${j}]: unknown ruleset "${name}"`);
      });
    }
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads and validates a JSON config file; relative paths inside it are taken from the file's directory. */
export async function loadConfigFile(path: string): Promise<Config> {
  const raw = await readJsonFile(path, "config");
  return parseConfig(raw, dirname(resolve(path)));
}

async function readJsonFile(path: string, label: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError([`${label}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${label}: ${path} is not valid JSON: ${(err as Error).message}`]);
  }
}
