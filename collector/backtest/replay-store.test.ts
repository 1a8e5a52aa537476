import { describe, expect, it } from "vitest";
import { ReplayStore } from "./replay-store.js";

const T0 = Date.parse("2026-01-10T12:00:00Z");
const MIN = 60_000;

describe("ReplayStore local historyReaching", () => {
  it("reads, in one pass, the longer of the window's read and the newest entries since the start", () => {
    const store = new ReplayStore();
    const net = store.hasher.hash("ip_net", "192.0.2.0/24");
    const other = store.hasher.hash("ip_net", "198.51.100.0/24");
    // One network's attempts, two at a time sharing a millisecond, every 10 minutes over 5 hours.
    for (let minutes = 0; minutes <= 300; minutes += 10) {
      store.record("s", T0 + minutes * MIN, { ip_net: net });
      store.record("s", T0 + minutes * MIN, { ip_net: net });
    }
    const nowMs = T0 + 301 * MIN;
    for (const windowMinutes of [0, 5, 10, 30, 60, 120, 301, 600]) {
      for (const [limit, newest] of [[1000, 21], [1000, 3], [5, 21], [21, 21], [1000, 0]] as const) {
        for (const sinceMs of [T0 - MIN, T0 + 150 * MIN, nowMs]) {
          const windowSinceMs = Math.max(sinceMs, nowMs - windowMinutes * MIN);
          const byWindow = store.local.history("ip_net", net, windowSinceMs, limit);
          const byCount = store.local.history("ip_net", net, sinceMs, newest);
          const longer = byWindow.length >= byCount.length ? byWindow : byCount;
          expect(store.local.historyReaching("ip_net", net, windowSinceMs, limit, sinceMs, newest)).toEqual(longer);
        }
      }
    }
    expect(store.local.historyReaching("ip_net", other, T0, 1000, T0, 21)).toEqual([]);
  });
});
