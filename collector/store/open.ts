import { resolve } from "node:path";
import type { StoreConfig } from "../config.js";
import { LmdbStore } from "./lmdb/lmdb-store.js";
import type { Store } from "./types.js";

export function openStore(config: StoreConfig): Store {
  if (config.kind === "lmdb") return new LmdbStore(resolve(config.path));
  throw new Error("the redis store is not available yet: use { \"kind\": \"lmdb\" }");
}
