import type { Store } from "./store/types.js";

export interface Retention {
  /** Deletes everything older than the retention period now, in small batches; resolves with the totals. */
  sweep(): Promise<{ attempts: number; sessions: number }>;
  stop(): void;
}

const BATCH = 500;

/**
 * Deletes attempts (with their index entries) and sessions older than `retentionMs`, in batches
 * with a yield between them so the API never pauses. Runs at start and then every `intervalMs`.
 * Expired contact details (kept encrypted for step-up checks) go too. Labels and list entries hold
 * only hashes and stay.
 */
export function startRetention(store: Store, retentionMs: number, log: (line: string) => void, intervalMs = 10 * 60_000): Retention {
  let running: Promise<{ attempts: number; sessions: number }> | undefined;
  const sweep = () => {
    running ??= (async () => {
      const total = { attempts: 0, sessions: 0 };
      try {
        for (;;) {
          const removed = await store.purgeBefore(Date.now() - retentionMs, BATCH);
          const contacts = await store.purgeExpired(Date.now(), BATCH);
          total.attempts += removed.attempts;
          total.sessions += removed.sessions;
          if (removed.attempts < BATCH && removed.sessions < BATCH && contacts < BATCH) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (total.attempts + total.sessions > 0) log(`retention: deleted ${total.attempts} attempts and ${total.sessions} sessions past retention`);
      } catch (err) {
        log(`retention: sweep failed: ${String(err)}`);
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  };
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  void sweep();
  return {
    sweep,
    stop() {
      clearInterval(timer);
    },
  };
}
