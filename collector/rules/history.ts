import type { IdentifierKind } from "../identity/normalise.js";
import type { HistoryEntry } from "../store/types.js";
import type { RuleContext } from "./types.js";

/** Earlier attempts sharing this attempt's `anchor` identifier within the window (empty when it has none). */
export function earlierWithin(ctx: RuleContext, anchor: IdentifierKind, windowMs: number): HistoryEntry[] {
  if (ctx.ids[anchor] === undefined) return [];
  const sinceMs = ctx.nowMs - windowMs;
  return (ctx.history[anchor] ?? []).filter((entry) => entry.tsMs >= sinceMs);
}

/** Distinct values of `counted` over this attempt and the earlier ones sharing its `anchor` within the window. */
export function distinctWithin(ctx: RuleContext, anchor: IdentifierKind, counted: IdentifierKind, windowMs: number): number {
  const values = new Set<string>();
  const own = ctx.ids[counted];
  if (own !== undefined) values.add(own);
  for (const entry of earlierWithin(ctx, anchor, windowMs)) {
    const value = entry.ids[counted];
    if (value !== undefined) values.add(value);
  }
  return values.size;
}
