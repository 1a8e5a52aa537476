import type { Store } from "../store/types.js";
import { CHALLENGE_WINDOW_MS, type ChallengeService } from "./service.js";

const PAGE = 1000;
/** At start, look this far behind the window for challenges that closed while no collector ran. */
const CATCH_UP_MS = 2 * 60 * 60_000;

export interface ChallengeSweeper {
  /** Fails every challenge whose window has closed without a pass since the last sweep; resolves with how many. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * A challenge nobody finishes must still end: once its window has closed, the attempt goes to
 * `review`. Walks the attempts recorded since the last sweep up to one window ago, in pages, every
 * `intervalMs`. Idempotent, so several collectors on one store may all run it.
 */
export function startChallengeSweeper(
  store: Store,
  challenges: ChallengeService,
  log: (line: string) => void,
  options: { intervalMs?: number; now?: () => number } = {},
): ChallengeSweeper {
  const now = options.now ?? Date.now;
  let sweptUntilMs = now() - CHALLENGE_WINDOW_MS - CATCH_UP_MS;
  let running: Promise<number> | undefined;

  const sweepOnce = async (): Promise<number> => {
    const untilMs = now() - CHALLENGE_WINDOW_MS;
    let failed = 0;
    while (sweptUntilMs < untilMs) {
      const page = await store.listAttempts({ sinceMs: sweptUntilMs, untilMs, limit: PAGE });
      for (const attempt of page) {
        if (attempt.answer.decision === "challenge" && !attempt.answer.challenge && (await challenges.expire(attempt.id))) failed += 1;
      }
      if (page.length < PAGE) {
        sweptUntilMs = untilMs;
        break;
      }
      // The next page starts at the last attempt's millisecond (attempts already failed are skipped);
      // a full page within one millisecond moves on by one.
      const lastMs = page[page.length - 1]!.tsMs;
      sweptUntilMs = lastMs > sweptUntilMs ? lastMs : sweptUntilMs + 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return failed;
  };

  const sweep = (): Promise<number> => {
    running ??= sweepOnce()
      .catch((err: unknown) => {
        log(`challenge: sweep failed: ${err instanceof Error ? err.message : String(err)}`);
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 60_000);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
