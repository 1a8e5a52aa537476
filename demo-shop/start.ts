// `npm start`: the collector from demo-shop/vakt.config.json plus the demo shop on :8080.

import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfigFile } from "../collector/config.js";
import { startCollector } from "../collector/main.js";
import { startDemoShop } from "./server.js";

const SHOP_HOST = "127.0.0.1";
const SHOP_PORT = 8080;

/** The config beside this file's source, whether run from demo-shop/ or dist/demo-shop/. */
function findConfigPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "vakt.config.json"), join(here, "..", "..", "demo-shop", "vakt.config.json")];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

/** Resolves to null when host:port can be bound, or to a one-line reason when it cannot. */
function probePort(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      resolve(error.code === "EADDRINUSE" ? "is already in use" : `cannot be used (${error.code ?? error.message})`);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

function fail(line: string): never {
  console.error(line);
  process.exit(1);
}

async function main(): Promise<void> {
  const configPath = findConfigPath();
  const shownPath = relative(process.cwd(), configPath) || configPath;
  let config: Awaited<ReturnType<typeof loadConfigFile>>;
  try {
    config = await loadConfigFile(configPath);
  } catch (error) {
    if (error instanceof ConfigError) fail(`${shownPath} is not a valid config:\n${error.problems.map((p) => `  ${p}`).join("\n")}`);
    throw error;
  }

  const site = config.sites[0];
  if (!site) fail(`${shownPath}: sites: the demo needs one site`);

  // Check both ports first, so a taken port gives one clear line instead of a stack trace.
  const collectorHost = config.listen.host;
  const collectorPort = config.listen.port;
  for (const [what, host, port] of [
    ["collector", collectorHost, collectorPort],
    ["demo shop", SHOP_HOST, SHOP_PORT],
  ] as const) {
    const problem = await probePort(host, port);
    if (problem) fail(`Cannot start the ${what}: port ${port} on ${host} ${problem}. Stop whatever uses it and try again.`);
  }

  const collector = await startCollector(config, { log: (line: string) => console.log(line) }).catch((error: unknown) =>
    fail(`Cannot start the collector on port ${collectorPort}: ${error instanceof Error ? error.message : String(error)}`),
  );
  const shop = await startDemoShop({
    host: SHOP_HOST,
    port: SHOP_PORT,
    collectorUrl: config.publicUrl,
    assessUrl: collector.url,
    siteKey: site.siteKey,
    secretKey: site.secretKey,
    log: (line) => console.log(line),
    ...(collector.outbox ? { inbox: () => collector.outbox!.list() } : {}),
  }).catch(async (error: unknown) => {
    await collector.close().catch(() => {});
    const reason = (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? "is already in use" : String(error);
    return fail(`Cannot start the demo shop: port ${SHOP_PORT} ${reason}.`);
  });

  console.log(
    [
      "",
      "  Vakt demo is running",
      "",
      `  Shop        ${shop.url}/`,
      `  Collector   ${config.publicUrl}  (config: ${shownPath})`,
      `  Site key    ${site.siteKey}   (public, in the script tag)`,
      `  Secret key  ${site.secretKey}   (server side, for /v1/assess)`,
      ...(collector.outbox ? [`  Demo inbox  ${shop.url}/demo/inbox   (one-time codes of step-up challenges)`] : []),
      "",
      "  Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log("Stopping…");
    void Promise.allSettled([shop.close(), collector.close()]).then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
