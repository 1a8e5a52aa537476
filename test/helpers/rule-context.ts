import type { IdentifierHashes, HistoryEntry } from "../../collector/store/types.js";
import type { RuleContext } from "../../collector/rules/types.js";

/** The clock of hand-built rule contexts. */
export const RULE_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

/** A rule context with nothing in it but what the test sets: no identifiers, history, graylist or signals; a valid token. */
export function ruleContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return { nowMs: RULE_NOW, siteKey: "pk_test_demo", order: { id: "ord_1" }, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined, ...overrides };
}

/** An earlier attempt `ageMs` before RULE_NOW with these identifiers. */
export function earlierAttempt(ageMs: number, ids: IdentifierHashes, n = 0): HistoryEntry {
  return { attemptId: `att_${ageMs}_${n}`, siteKey: "pk_test_demo", tsMs: RULE_NOW - ageMs, ids };
}
