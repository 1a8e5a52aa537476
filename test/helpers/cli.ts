import { spawn } from "node:child_process";

/** The `vakt` command as npx runs it (the built CLI). */
export const VAKT_BIN = new URL("../../bin/vakt.js", import.meta.url).pathname;

/** Runs `vakt ARGS` in `cwd` to its exit. */
export function runVakt(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [VAKT_BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}
