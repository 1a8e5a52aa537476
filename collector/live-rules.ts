import { unwatchFile, watchFile } from "node:fs";
import type { SiteRules } from "./assess/assessor.js";
import { ConfigError, loadConfigFile, type Config } from "./config.js";
import { prepareRuleset } from "./engine.js";

export type ReloadResult = { ok: true; rulesets: string[] } | { ok: false; problems: string[] };

/**
 * Each site's live and shadow rulesets, swapped as a whole on reload: an assess in flight keeps the
 * rules it started with, the next one sees the new ones. A reload that does not validate changes nothing.
 */
export class LiveRules {
  private bySite = new Map<string, SiteRules>();
  private watched: string[] = [];
  private pending: NodeJS.Timeout | undefined;

  constructor(
    config: Pick<Config, "sites" | "rulesets">,
    private readonly configPath: string | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.apply(config);
  }

  get(siteKey: string): SiteRules | undefined {
    return this.bySite.get(siteKey);
  }

  /** Re-reads the config file and its ruleset files; only rulesets and sites' choices of them are taken. */
  async reload(): Promise<ReloadResult> {
    if (!this.configPath) return { ok: false, problems: ["the collector was started without a config file; nothing to reload"] };
    let config: Config;
    try {
      config = await loadConfigFile(this.configPath);
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [String(err)];
      this.log(`rules: reload refused, the live rules stay:\n${problems.map((p) => `  ${p}`).join("\n")}`);
      return { ok: false, problems };
    }
    const unknown = config.sites.filter((site) => !this.bySite.has(site.siteKey)).map((site) => site.siteKey);
    if (unknown.length > 0) this.log(`rules: new sites (${unknown.join(", ")}) need a restart; their rules were not loaded`);
    this.apply({ ...config, sites: config.sites.filter((site) => this.bySite.has(site.siteKey)) });
    this.watch(config);
    const names = [...config.rulesets.keys()];
    this.log(`rules: reloaded (${names.join(", ")})`);
    return { ok: true, rulesets: names };
  }

  /** Reloads when the config file or one of its ruleset files changes on disk. */
  watch(config: Pick<Config, "rulesetFiles">, intervalMs = 1000): void {
    if (!this.configPath) return;
    this.unwatch();
    this.watched = [this.configPath, ...config.rulesetFiles];
    for (const path of this.watched) {
      watchFile(path, { interval: intervalMs, persistent: false }, (now, before) => {
        if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
        clearTimeout(this.pending);
        this.pending = setTimeout(() => void this.reload(), 100);
      });
    }
  }

  close(): void {
    clearTimeout(this.pending);
    this.unwatch();
  }

  private unwatch(): void {
    for (const path of this.watched) unwatchFile(path);
    this.watched = [];
  }

  private apply(config: Pick<Config, "sites" | "rulesets">): void {
    for (const ruleset of config.rulesets.values()) prepareRuleset(ruleset);
    const next = new Map(this.bySite);
    for (const site of config.sites) {
      next.set(site.siteKey, {
        siteKey: site.siteKey,
        live: { name: site.rules, ruleset: config.rulesets.get(site.rules)! },
        shadow: site.shadow.map((name) => ({ name, ruleset: config.rulesets.get(name)! })),
      });
    }
    this.bySite = next;
  }
}
