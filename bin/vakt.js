#!/usr/bin/env node
import { existsSync } from "node:fs";

const cli = new URL("../dist/collector/cli/vakt.js", import.meta.url);
if (!existsSync(cli)) {
  console.error("vakt: the collector is not built; run `npm run build` in the package directory first");
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
