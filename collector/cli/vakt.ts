import { parseArgs } from "node:util";

// Each command loads its own modules when it runs: the collector's (uWebSockets.js, LMDB, Redis)
// took about half a second of every `vakt backtest` and `vakt generate` before they began.

const USAGE = `usage:
  vakt collector --config FILE     start one collector from a JSON config file
  vakt backtest  --input FILE --rules RULESET [--baseline RULESET] [--json] [--report FILE] [--map FILE] [--label-delay 7d] [--strict]
                                   replay past attempts through rulesets (vakt backtest --help)
  vakt generate  --seed N --orders N [--days N] [--start ISO]
                                   print realistic, labelled checkout traffic as NDJSON`;

/** `vakt <command>`: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "collector") return collector(rest);
  if (command === "generate") return (await import("./generate.js")).generateCommand(rest);
  if (command === "backtest") {
    const { BACKTEST_USAGE, backtestCommand } = await import("./backtest.js");
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(BACKTEST_USAGE);
      return 0;
    }
    return backtestCommand(rest);
  }
  if (command === "--help" || command === "-h" || command === undefined) {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  console.error(`vakt: unknown command "${command}"\n${USAGE}`);
  return 2;
}

async function collector(args: string[]): Promise<number> {
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({ args, options: { config: { type: "string", short: "c" } }, strict: true });
    configPath = values.config;
  } catch (err) {
    console.error(`vakt collector: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!configPath) {
    console.error(`vakt collector: --config FILE is required\n${USAGE}`);
    return 2;
  }
  const { ConfigError, loadConfigFile } = await import("../config.js");
  const { startCollector } = await import("../main.js");
  let running;
  try {
    const config = await loadConfigFile(configPath);
    running = await startCollector(config, { configPath });
    console.log(`vakt collector listening on ${running.url} (public URL ${config.publicUrl}, ${config.sites.length} site(s))`);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`vakt collector: ${configPath} is not a valid config:`);
      for (const problem of err.problems) console.error(`  ${problem}`);
    } else {
      console.error(`vakt collector: ${(err as Error).message}`);
    }
    return 1;
  }
  const rules = running.rules;
  const reloadOnHangup = () => void rules.reload();
  process.on("SIGHUP", reloadOnHangup);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  process.off("SIGHUP", reloadOnHangup);
  await running.close();
  return 0;
}
