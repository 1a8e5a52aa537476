import type { z } from "zod";
import type { EnvironmentSignals } from "../../sdk/protocol.js";
import type { IdentifierKind } from "../identity/normalise.js";
import type { GraylistEntry, HistoryEntry, IdentifierHashes, IdentifierKey } from "../store/types.js";
import type { TokenStatus } from "../token.js";
import type { Order } from "../assess/request.js";

export const SEVERITIES = ["none", "low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Everything a rule may look at, gathered before any rule runs (one store read per identifier). */
export interface RuleContext {
  nowMs: number;
  siteKey: string;
  order: Order;
  /** This attempt's identifiers, as the store's keys (keyed hashes live, numbers in a backtest). */
  ids: IdentifierHashes<IdentifierKey>;
  /** Earlier attempts sharing each identifier, newest first, within the longest window any rule asks for. */
  history: Partial<Record<IdentifierKind, HistoryEntry<IdentifierKey>[]>>;
  /** This attempt's identifiers that are on the graylist. */
  graylist: Partial<Record<IdentifierKind, GraylistEntry<IdentifierKey>>>;
  /** This attempt's identifiers shared with an earlier attempt that has a graylisted identifier: one hop from a fraud. */
  graylistHops?: Partial<Record<IdentifierKind, GraylistHop>>;
  /** This attempt's customer or e-mail was labelled `legit` before. */
  isTrusted?: boolean;
  tokenStatus: TokenStatus;
  /** What the script reported for the token's session; undefined without a usable token. */
  signals: EnvironmentSignals | undefined;
}

export interface GraylistHop {
  /** The earlier attempt this one shares an identifier with. */
  linkedAttemptId: string;
  /** Which of that attempt's identifiers is graylisted, and by which fraud. */
  via: IdentifierKind;
  fraudAttemptId: string;
}

/** Per identifier kind, how far back (ms) a rule reads its history; Infinity for the whole retention. */
export type HistoryReads = Partial<Record<IdentifierKind, number>>;

export interface RuleOutcome {
  severity: Severity;
  detail?: string;
}

export interface RuleDefinition<P = unknown> {
  id: string;
  /** The rule's own parameters (without the common budgetMs / onTimeout). */
  params: z.ZodObject;
  /** How far back this rule looks, so the engine reads enough history. */
  lookbackMs?: (params: P) => number;
  /**
   * Which identifier kinds' histories this rule reads, and how far back (ms before the attempt;
   * Infinity for any earlier attempt within retention). A kind left out is not read at all, so a rule
   * that reads no history declares `{}`. A rule that declares nothing is taken to read every kind over
   * the whole retention.
   */
  reads?: (params: P) => HistoryReads;
  evaluate(ctx: RuleContext, params: P): RuleOutcome | Promise<RuleOutcome>;
  /**
   * Loads what a first evaluation would otherwise load (a domain list, a library's tables), so the
   * first attempt after a start does not miss the rule's time budget. Called once per ruleset as it
   * goes live, before it serves.
   */
  prepare?(params: P): void;
}
