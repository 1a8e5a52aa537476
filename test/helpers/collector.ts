import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../collector/config.js";
import { startCollector, type RunningCollector } from "../../collector/main.js";

export const SITE_KEY = "pk_test_vakt";
export const SECRET_KEY = "sk_test_vakt_secret";
export const OTHER_SITE_KEY = "pk_test_other";
export const OTHER_SECRET_KEY = "sk_test_other_secret";

export interface TestCollector extends RunningCollector {
  dataDir: string;
  /** What the collector logged, line by line. */
  logs: string[];
  /** POST/GET a JSON API route with the site's secret key. */
  api(method: "GET" | "POST", path: string, body?: unknown, secret?: string): Promise<{ status: number; body: any }>;
  /** Stops the collector and removes its data directory. */
  destroy(): Promise<void>;
  /** Stops the collector and starts a new one on the same data directory. */
  restart(): Promise<TestCollector>;
}

/** A real collector on an ephemeral 127.0.0.1 port with a fresh LMDB directory. */
export async function startTestCollector(overrides: Record<string, unknown> = {}, dataDir = mkdtempSync(join(tmpdir(), "vakt-test-"))): Promise<TestCollector> {
  const origins = (overrides.origins as string[] | undefined) ?? ["http://127.0.0.1:1"];
  const config = await parseConfig({
    listen: { host: "127.0.0.1", port: 0 },
    publicUrl: "http://127.0.0.1:8787",
    store: { kind: "lmdb", path: dataDir },
    sites: [
      { siteKey: SITE_KEY, secretKey: SECRET_KEY, origins },
      { siteKey: OTHER_SITE_KEY, secretKey: OTHER_SECRET_KEY, origins },
    ],
    ...Object.fromEntries(Object.entries(overrides).filter(([key]) => key !== "origins")),
  });
  const lines: string[] = [];
  const running = await startCollector(config, { log: (line) => lines.push(line) });
  const collector: TestCollector = {
    ...running,
    dataDir,
    logs: lines,
    async api(method, path, body, secret = SECRET_KEY) {
      const response = await fetch(`${running.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async destroy() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await running.close();
      return startTestCollector(overrides, dataDir);
    },
  };
  return collector;
}
