#!/usr/bin/env node
// `npm run test:fuzz [-- --long] [vitest args]`: the hardening and fuzz tests; --long runs 20 times the cases
// (VAKT_FUZZ_SCALE=20). VAKT_FUZZ_SCALE=N and VAKT_FUZZ_SEED=N can also be set directly.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const isLong = args.includes("--long");
const env = { ...process.env };
if (isLong && env.VAKT_FUZZ_SCALE === undefined) env.VAKT_FUZZ_SCALE = "20";
const rest = args.filter((arg) => arg !== "--long");
const files = rest.some((arg) => !arg.startsWith("-")) ? [] : ["test/fuzz", "test/hardening", "collector/http/rate-limit.test.ts"];
const result = spawnSync("npx", ["vitest", "run", ...files, ...rest], { stdio: "inherit", env });
process.exit(result.status ?? 1);
