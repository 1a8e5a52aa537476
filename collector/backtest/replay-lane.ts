import type { EnvironmentSignals } from "../../sdk/protocol.js";
import { gatherLocal, reachAt } from "../assess/gather.js";
import { identifierHashes } from "../assess/identities.js";
import type { Order } from "../assess/request.js";
import { evaluate, historyReach, lookbackMs, prepareRuleset, type Evaluation, type Reason } from "../engine.js";
import { IDENTIFIER_KINDS } from "../identity/normalise.js";
import type { Decision } from "../rules/policy.js";
import type { Ruleset } from "../rules/ruleset.js";
import type { HistoryReads, RuleContext } from "../rules/types.js";
import type { IdentifierHashes, Label } from "../store/types.js";
import { ReplayStore } from "./replay-store.js";

export const SITE_KEY = "backtest";
/** A label as a number between threads: its place here. */
export const LABEL_CODES: readonly (Label | null)[] = [null, "fraud", "legit"];
/** Backtests look back as far as the data goes; retention does not apply to a replay. */
const REPLAY_RETENTION_MS = 10 * 365 * 86_400_000;
const EVALUATE_OPTIONS = { enforceBudgets: false, isTimed: false } as const;
/** The candidate's options when a baseline is evaluated next on the same context (it reuses the rules they share). */
const SHARED_OPTIONS = { ...EVALUATE_OPTIONS, isShared: true };
const UNSHARED_OPTIONS = { ...EVALUATE_OPTIONS, isShared: false };

/**
 * An attempt's identifier keys in a replay: an object whose every kind fits inside it. A plain `{}`
 * holds 4 properties inside and the rest in a second object; a replay keeps one of these per attempt
 * and the rules and the graylist hops read them across its whole history, so one object rather than
 * two means less memory and fewer cache misses. Empty: a kind is a property only when the attempt has it.
 */
export class ReplayIdentifiers implements IdentifierHashes<number> {}

/*
 * V8 sizes a class's objects by the properties its first few objects were given: give the first ones
 * every kind, so that the size holds all of them whatever the first attempts carry.
 */
for (let i = 0; i < 8; i++) {
  const ids: IdentifierHashes<number> = new ReplayIdentifiers();
  for (const kind of IDENTIFIER_KINDS) ids[kind] = 0;
}

/** One ruleset's counts over the attempts one lane evaluated, with when each rule first hit, for merging lanes in replay order. */
export interface LaneTally {
  attempts: number;
  fraud: { total: number; stopped: number; challenged: number };
  legit: { total: number; stopped: number; challenged: number };
  decisions: Record<Decision, number>;
  rules: Record<string, number>;
  /** Per rule, its first hit as replay index × 64 + its place among that attempt's reasons. */
  firstHit: Record<string, number>;
  labelledHits: Record<string, { fraud: number; legit: number }>;
}

export interface LaneChange {
  index: number;
  line: number;
  orderId: string;
  label: Label | null;
  tsMs: number;
  baseline: Decision;
  candidate: Decision;
}

export interface LaneResult {
  tallies: LaneTally[];
  changes: LaneChange[];
}

/** What a lane needs to evaluate an attempt, beyond what every lane records of it. */
export interface Evaluated {
  line: number;
  order: Order;
  signals?: EnvironmentSignals;
}

/**
 * One pass over the replay in time order. Every lane records every attempt and applies every label
 * as it falls due, so its store holds exactly what a single replay's store would hold at each
 * attempt; it evaluates only the attempts given to it (all of them on one thread, a share of them
 * when two threads replay together). What the store holds never depends on a decision, so an
 * attempt's evaluation is the same on whichever lane it runs.
 *
 * Each evaluated attempt goes through what `Assessor.assessAttempt` does before it answers, with the
 * same code: `identifierHashes`, `gather` (histories, graylist, hops, trust; as `gatherLocal`, since
 * the replay store reads locally) and the engine's `evaluate` of each ruleset on one context (the
 * baseline after the candidate, as a shadow ruleset runs live, so rules configured alike run once);
 * a label writes the list entries `Labeler` writes (`listEntries`). Left out is what only a live answer needs:
 * the answer, a record with links and matrices, a device summary, a random id.
 */
export class ReplayLane {
  readonly store = new ReplayStore();
  private readonly rulesets: Ruleset[];
  private readonly lookbackMs: number;
  /** What the rulesets' rules read of each kind's history: a busy network's is read over its rules' window, as live. */
  private readonly reads: HistoryReads;
  /** Attempts are in time order and every label waits the same delay, so labels fall due in replay order: a queue. */
  private pending: { dueMs: number; attemptId: string; label: Label }[] = [];
  private nextDue = 0;
  private readonly tallies: LaneTally[];
  private readonly changes: LaneChange[] = [];

  constructor(candidate: Ruleset, baseline: Ruleset | undefined, private readonly labelDelayMs: number) {
    this.rulesets = baseline ? [candidate, baseline] : [candidate];
    for (const ruleset of this.rulesets) prepareRuleset(ruleset);
    this.lookbackMs = Math.max(lookbackMs(this.rulesets), REPLAY_RETENTION_MS);
    this.reads = historyReach(this.rulesets);
    this.tallies = this.rulesets.map(newTally);
  }

  /** The attempt's identifiers, keyed by this lane's store (the keys other lanes must be given). */
  identify(order: Order, ip: string | undefined, deviceId: string | undefined): IdentifierHashes<number> {
    return identifierHashes(
      this.store.hasher,
      { siteKey: SITE_KEY, order, ...(ip === undefined ? {} : { ip }), ...(deviceId === undefined ? {} : { deviceId }) },
      new ReplayIdentifiers(),
    );
  }

  /**
   * The next attempt in replay order: labels due before it, its evaluation when `evaluated` is given,
   * then its record. A promise only when a rule answered with one: the replay store reads and writes
   * at once, and an await per attempt would cost a backtest more than many of its rules.
   */
  next(index: number, tsMs: number, ids: IdentifierHashes<number>, label: Label | null, evaluated?: Evaluated): Promise<void> | undefined {
    const { pending } = this;
    while (this.nextDue < pending.length && pending[this.nextDue]!.dueMs <= tsMs) {
      const due = pending[this.nextDue++]!;
      this.store.label(due.attemptId, due.label, due.dueMs);
    }
    if (this.nextDue >= 4096) {
      pending.splice(0, this.nextDue);
      this.nextDue = 0;
    }
    const evaluating = evaluated === undefined ? undefined : this.evaluate(index, tsMs, ids, label, evaluated);
    if (evaluating !== undefined) return evaluating.then(() => this.record(tsMs, ids, label));
    this.record(tsMs, ids, label);
    return undefined;
  }

  private record(tsMs: number, ids: IdentifierHashes<number>, label: Label | null): void {
    const attemptId = this.store.record(SITE_KEY, tsMs, ids);
    if (label) this.pending.push({ dueMs: tsMs + this.labelDelayMs, attemptId, label });
  }

  result(): LaneResult {
    return { tallies: this.tallies, changes: this.changes };
  }

  /** Evaluates the attempt with each ruleset and counts the decisions; a promise only when a rule gave one. */
  private evaluate(index: number, nowMs: number, ids: IdentifierHashes<number>, label: Label | null, { line, order, signals }: Evaluated): Promise<void> | undefined {
    const { history, graylist, graylistHops, isTrusted } = gatherLocal(this.store.local, ids, reachAt(nowMs, nowMs - this.lookbackMs, this.reads, false));
    // The input carries no risk token: every attempt is taken as having come through the script.
    const ctx: RuleContext = { nowMs, siteKey: SITE_KEY, order, ids, history, graylist, graylistHops, isTrusted, tokenStatus: "valid", signals };
    const first = evaluate(this.rulesets[0]!, ctx, this.rulesets.length > 1 ? SHARED_OPTIONS : UNSHARED_OPTIONS);
    if (first instanceof Promise) return first.then((live) => this.conclude(index, nowMs, label, line, order.id, ctx, live));
    return this.conclude(index, nowMs, label, line, order.id, ctx, first);
  }

  private conclude(index: number, nowMs: number, label: Label | null, line: number, orderId: string, ctx: RuleContext, live: Evaluation): Promise<void> | undefined {
    tally(this.tallies[0]!, index, label, live.decision, live.reasons);
    if (this.rulesets.length === 1) return undefined;
    const second = evaluate(this.rulesets[1]!, ctx, UNSHARED_OPTIONS);
    const compare = (shadow: Evaluation) => {
      tally(this.tallies[1]!, index, label, shadow.decision, shadow.reasons);
      if (shadow.decision !== live.decision) this.changes.push({ index, line, orderId, label, tsMs: nowMs, baseline: shadow.decision, candidate: live.decision });
    };
    if (second instanceof Promise) return second.then(compare);
    compare(second);
    return undefined;
  }
}

function newTally(): LaneTally {
  return {
    attempts: 0,
    fraud: { total: 0, stopped: 0, challenged: 0 },
    legit: { total: 0, stopped: 0, challenged: 0 },
    decisions: { allow: 0, challenge: 0, review: 0, deny: 0 },
    rules: {},
    firstHit: {},
    labelledHits: {},
  };
}

/** Counts one attempt's decision, and a hit for each rule that gave a severity (each has one reason). */
function tally(counts: LaneTally, index: number, label: Label | null, decision: Decision, reasons: readonly Reason[]): void {
  counts.attempts += 1;
  counts.decisions[decision] += 1;
  if (label) {
    const outcome = counts[label];
    outcome.total += 1;
    if (decision === "review" || decision === "deny") outcome.stopped += 1;
    else if (decision === "challenge") outcome.challenged += 1;
  }
  for (let i = 0; i < reasons.length; i++) {
    const { rule } = reasons[i]!;
    const hits = counts.rules[rule];
    if (hits === undefined) {
      counts.rules[rule] = 1;
      counts.firstHit[rule] = index * 64 + Math.min(i, 63);
    } else counts.rules[rule] = hits + 1;
    if (label) {
      const labelled = (counts.labelledHits[rule] ??= { fraud: 0, legit: 0 });
      labelled[label] += 1;
    }
  }
}
