import type { IdentifierKind } from "../identity/normalise.js";
import type { IdentifierKey } from "../store/types.js";
import type { RuleContext } from "./types.js";

/**
 * How many earlier attempts share this attempt's `anchor` identifier within the window. Histories are
 * newest first, so the window is a prefix: a busy network's long history is not walked to its end.
 */
export function countWithin(ctx: RuleContext, anchor: IdentifierKind, windowMs: number): number {
  const entries = ctx.ids[anchor] === undefined ? undefined : ctx.history[anchor];
  if (entries === undefined) return 0;
  const sinceMs = ctx.nowMs - windowMs;
  let count = 0;
  while (count < entries.length && entries[count]!.tsMs >= sinceMs) count += 1;
  return count;
}

/** Distinct values of `counted` over this attempt and the earlier ones sharing its `anchor` within the window. */
export function distinctWithin(ctx: RuleContext, anchor: IdentifierKind, counted: IdentifierKind, windowMs: number): number {
  const entries = ctx.ids[anchor] === undefined ? undefined : ctx.history[anchor];
  const own = ctx.ids[counted];
  if (entries === undefined || entries.length === 0) return own === undefined ? 0 : 1;
  const sinceMs = ctx.nowMs - windowMs;
  // Most histories repeat one value: a set is only made once a second value turns up.
  let first = own;
  let values: Set<IdentifierKey> | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.tsMs < sinceMs) break;
    const value = entry.ids[counted];
    if (value === undefined || value === first) continue;
    if (first === undefined) first = value;
    else (values ??= new Set([first])).add(value);
  }
  return values !== undefined ? values.size : first === undefined ? 0 : 1;
}
