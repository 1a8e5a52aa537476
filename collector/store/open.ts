import { resolve } from "node:path";
import type { StoreConfig } from "../config.js";
import { LmdbStore } from "./lmdb/lmdb-store.js";
import { RedisStore } from "./redis/redis-store.js";
import type { Store } from "./types.js";

export interface OpenStoreOptions {
  /** How long records are kept (the config's retentionDays): the Redis store sets its expiries from it. */
  retentionMs?: number;
  log?: (line: string) => void;
}

const DEFAULT_RETENTION_MS = 90 * 86_400_000;

export function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Store {
  if (config.kind === "lmdb") return new LmdbStore(resolve(config.path), options.log ? { log: options.log } : {});
  const target = config.cluster !== undefined ? { cluster: config.cluster } : { url: config.url! };
  return new RedisStore(target, { retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS, ...(options.log ? { log: options.log } : {}) });
}
