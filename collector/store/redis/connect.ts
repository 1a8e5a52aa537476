import { Cluster, Redis, type RedisOptions } from "ioredis";

export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  url?: string;
  cluster?: string[];
}

/** How long one store call may take before it counts as unavailable (also bounds each command). */
export const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;
const MAX_RETRY_DELAY_MS = 2000;

/** Reconnects forever, backing off to at most 2 s between tries. */
const retryDelay = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), MAX_RETRY_DELAY_MS);

/**
 * Commands fail at once while disconnected (no offline queue) and after COMMAND_TIMEOUT_MS when the
 * server hangs; in-flight commands are not resent after a reconnect. So a request never waits on a
 * dead server, and the client reconnects by itself in the background.
 */
const NODE_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: CONNECT_TIMEOUT_MS,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  retryStrategy: retryDelay,
};

export function createClient(target: RedisTarget, onEvent: (event: "ready" | "error", detail?: unknown) => void): RedisClient {
  let client: RedisClient;
  if (target.cluster !== undefined) {
    const { enableAutoPipelining: _auto, enableOfflineQueue: _queue, ...nodeOptions } = NODE_OPTIONS;
    const first = new URL(target.cluster[0]!);
    const redisOptions: RedisOptions = {
      ...nodeOptions,
      // Every node takes the first URL's credentials and scheme (rediss: TLS).
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === "rediss:" ? { tls: {} } : {}),
    };
    client = new Cluster(target.cluster.map(nodeOf), {
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retryDelay,
      // The client's own retries on CLUSTERDOWN or failover must end well inside the command timeout.
      retryDelayOnClusterDown: 100,
      retryDelayOnFailover: 100,
      maxRedirections: 5,
      slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
      redisOptions,
    });
    client.on("node error", (err: unknown) => onEvent("error", err));
  } else {
    client = new Redis(target.url!, NODE_OPTIONS);
  }
  client.on("error", (err: unknown) => onEvent("error", err));
  client.on("ready", () => onEvent("ready"));
  return client;
}

function nodeOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}

/** Resolves once the client is ready the first time; rejects after `timeoutMs` with the last error. */
export function firstReady(client: RedisClient, timeoutMs: number, describe: string): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    const onError = (err: unknown) => (lastError = err);
    const done = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`cannot reach redis at ${describe} within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`));
    }, timeoutMs);
    client.on("ready", onReady);
    client.on("error", onError);
  });
}

/**
 * Throws unless the client can serve: one server answers PING; in a cluster every master that owns
 * slots is connected and reports `cluster_state:ok` (a restarted master answers PING before it serves
 * its slots). A cluster missing one master is not usable: nearly every assess touches all of them.
 */
export async function checkServing(client: RedisClient): Promise<void> {
  if (client.status !== "ready") throw new Error(`client ${client.status}`);
  if (!(client instanceof Cluster)) {
    await client.ping();
    return;
  }
  const connected = new Map(client.nodes("master").map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const owners = new Set(client.slots.map((nodes) => nodes[0]).filter((key): key is string => key !== undefined));
  if (owners.size === 0) throw new Error("no slots known");
  const states = await Promise.all(
    [...owners].map((key) => {
      const node = connected.get(key);
      if (!node) throw new Error(`no connection to the master at ${key}`);
      return node.cluster("INFO");
    }),
  );
  if (!states.every((info) => String(info).includes("cluster_state:ok"))) throw new Error("cluster state not ok");
}
