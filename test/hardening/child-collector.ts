import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VAKT_BIN } from "../helpers/cli.js";
import { freePort } from "../helpers/stack.js";

/** `npx vakt collector --config FILE` in a child process, as an operator runs it. */
export interface ChildCollector {
  url: string;
  dir: string;
  configPath: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Peak and current resident memory of the process, in bytes (from /proc). */
  memory(): { peakBytes: number; currentBytes: number };
  /** SIGKILL, no chance to flush or close anything. */
  kill(): Promise<void>;
  /** SIGTERM, and waits for the exit code. */
  stop(): Promise<number | null>;
  /** A new process on the same config and data. */
  restart(): Promise<ChildCollector>;
  /** Stops (if running) and removes the directory. */
  destroy(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/** Writes `config` (listen port filled in) to a fresh temporary directory and starts a collector on it. */
export async function spawnCollector(config: Record<string, unknown>, dir = mkdtempSync(join(tmpdir(), "vakt-child-"))): Promise<ChildCollector> {
  const port = await freePort();
  const configPath = join(dir, "vakt.config.json");
  writeFileSync(configPath, JSON.stringify({ ...config, listen: { host: "127.0.0.1", port } }));
  return start(configPath, dir, `http://127.0.0.1:${port}`);
}

async function start(configPath: string, dir: string, url: string): Promise<ChildCollector> {
  const child = spawn(process.execPath, [VAKT_BIN, "collector", "--config", configPath], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the collector did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (/listening on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the collector exited with ${code} before listening:\n${output}`));
    });
  });
  let isRunning = true;
  void exited.then(() => (isRunning = false));
  const handle: ChildCollector = {
    url,
    dir,
    configPath,
    child,
    output: () => output,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? "0") * 1024;
      return { peakBytes: kb("VmHWM"), currentBytes: kb("VmRSS") };
    },
    async kill() {
      if (isRunning) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (isRunning) child.kill("SIGTERM");
      return exited;
    },
    restart: () => start(configPath, dir, url),
    async destroy() {
      if (isRunning) child.kill("SIGKILL");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
