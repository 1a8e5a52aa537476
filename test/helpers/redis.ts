import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./stack.js";

const READY_TIMEOUT_MS = 10_000;

/** A real redis-server on 127.0.0.1, with AOF fsynced on every write, in its own temporary directory. */
export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as with a hung server. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and directory (it reloads its AOF). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export interface RedisCluster {
  nodes: RedisServer[];
  urls: string[];
  destroy(): Promise<void>;
}

export interface RedisOptions {
  appendfsync?: "always" | "everysec";
  /** More `redis-server` arguments, e.g. `["--zset-max-listpack-value", "1024"]`. */
  extraArgs?: string[];
}

export async function startRedis(options: RedisOptions & { cluster?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const busPort = options.cluster ? await freePort() : 0;
  const dir = mkdtempSync(join(tmpdir(), "vakt-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", options.appendfsync ?? "always", "--dir", dir];
  args.push(...(options.extraArgs ?? []));
  if (options.cluster) args.push("--cluster-enabled", "yes", "--cluster-port", String(busPort), "--cluster-config-file", "nodes.conf");
  let child = await spawnReady(args);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async kill() {
      await stop(child, "SIGKILL");
    },
    pause() {
      child.kill("SIGSTOP");
    },
    resume() {
      child.kill("SIGCONT");
    },
    async restart() {
      child = await spawnReady(args);
    },
    async destroy() {
      await stop(child, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Three masters, no replicas, every slot assigned; resolves once each node reports the cluster ok. */
export async function startRedisCluster(options: RedisOptions = {}): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) nodes.push(await startRedis({ ...options, cluster: true }));
    await run("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    for (const node of nodes) await waitForClusterOk(node.port);
  } catch (err) {
    await Promise.all(nodes.map((n) => n.destroy()));
    throw err;
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    async destroy() {
      await Promise.all(nodes.map((n) => n.destroy()));
    },
  };
}

/** The master that holds `key`'s slot. */
export async function nodeForKey(cluster: RedisCluster, key: string): Promise<RedisServer> {
  const client = new Redis({ host: "127.0.0.1", port: cluster.nodes[0]!.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const slot = (await client.cluster("KEYSLOT", key)) as number;
    const ranges = await client.cluster("SLOTS");
    const port = ranges.find(([from, to]) => slot >= from && slot <= to)![2]![1];
    return cluster.nodes.find((n) => n.port === port)!;
  } finally {
    client.disconnect();
  }
}

/** Empties every node, so each test starts from an empty store. */
export async function flushAll(ports: number[]): Promise<void> {
  for (const port of ports) {
    const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      await client.flushall();
    } finally {
      client.disconnect();
    }
  }
}

const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

function spawnReady(args: string[]): Promise<ChildProcess> {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  child.once("exit", () => started.delete(child));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`redis-server not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        child.off("exit", onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}):\n${output}`));
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (data: Buffer) => (output += data.toString()));
    child.once("exit", onExit);
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGCONT");
    child.kill(signal);
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), READY_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`));
    });
  });
}

async function waitForClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const info = await run("redis-cli", ["-p", String(port), "cluster", "info"]);
    if (/cluster_state:ok/.test(info)) return;
    if (Date.now() > deadline) throw new Error(`cluster on :${port} not ok within ${READY_TIMEOUT_MS} ms:\n${info}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
