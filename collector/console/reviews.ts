import type { IdentifierKind } from "../identity/normalise.js";
import type { AttemptRecord, Store } from "../store/types.js";

export interface QueueFilter {
  site?: string;
  /** Only attempts whose live decision gave a reason from this rule. */
  rule?: string;
  /** Opened within the last this many hours. */
  maxAgeHours?: number;
  /** Waiting at least this many hours. */
  minAgeHours?: number;
  /** Pages on after this attempt id (the `next` of the previous page). */
  before?: string;
  limit: number;
}

export interface QueueItem {
  id: string;
  orderId: string;
  site: string;
  at: string;
  decision: string;
  score: number;
  reasons: { rule: string; severity: string }[];
  links: number;
}

export interface QueuePage {
  items: QueueItem[];
  /** Pass as `before` for the next page; null when the queue is exhausted. */
  next: string | null;
  /** True when the scan stopped at its bound before filling the page: there may be more further back. */
  isScanBounded: boolean;
}

const PAGE = 200;
/** Open reviews read per request at most, so a filter that matches nothing stays cheap. */
export const MAX_SCANNED = 5_000;

/** Newest open reviews first, filtered by site, reason rule and age, paged by attempt id. */
export async function listQueue(store: Store, filter: QueueFilter, nowMs: number): Promise<QueuePage> {
  const items: QueueItem[] = [];
  const newestMs = filter.minAgeHours === undefined ? Infinity : nowMs - filter.minAgeHours * 3_600_000;
  const oldestMs = filter.maxAgeHours === undefined ? -Infinity : nowMs - filter.maxAgeHours * 3_600_000;
  let before = filter.before;
  let scanned = 0;
  while (scanned < MAX_SCANNED) {
    const page = await store.listOpenReviews({ ...(filter.site ? { siteKey: filter.site } : {}), ...(before ? { beforeId: before } : {}), limit: PAGE });
    for (const attempt of page) {
      scanned += 1;
      before = attempt.id;
      if (attempt.tsMs < oldestMs) return { items, next: null, isScanBounded: false };
      if (attempt.tsMs <= newestMs && (!filter.rule || attempt.answer.reasons.some((r) => r.rule === filter.rule))) {
        items.push(queueItem(attempt));
        if (items.length >= filter.limit) return { items, next: attempt.id, isScanBounded: false };
      }
    }
    if (page.length < PAGE) return { items, next: null, isScanBounded: false };
  }
  return { items, next: before ?? null, isScanBounded: true };
}

function queueItem(attempt: AttemptRecord): QueueItem {
  return {
    id: attempt.id,
    orderId: attempt.orderId,
    site: attempt.siteKey,
    at: new Date(attempt.tsMs).toISOString(),
    decision: attempt.answer.decision,
    score: attempt.answer.score,
    reasons: attempt.answer.reasons.map((r) => ({ rule: r.rule, severity: r.severity })),
    links: attempt.links?.length ?? 0,
  };
}

/** A keyed hash shown as a short fragment: enough to see that two attempts share it, nothing more. */
export function maskHash(hash: string): string {
  return `••••${hash.slice(0, 6)}`;
}

/** Everything the analyst needs about one attempt: the order as stored, the matrix, shadows, and the linked attempts with their labels. */
export async function attemptDetail(store: Store, attempt: AttemptRecord) {
  const [label, linked] = await Promise.all([
    store.getLabel(attempt.id),
    Promise.all((attempt.links ?? []).map(async (link) => {
      const [other, otherLabel] = await Promise.all([store.getAttempt(link.attemptId), store.getLabel(link.attemptId)]);
      return {
        attempt: link.attemptId,
        at: new Date(link.tsMs).toISOString(),
        via: link.via,
        orderId: other?.orderId ?? null,
        site: other?.siteKey ?? null,
        decision: other?.answer.decision ?? null,
        label: otherLabel?.label ?? null,
        review: other?.review?.status ?? null,
      };
    })),
  ]);
  const { answer } = attempt;
  return {
    id: attempt.id,
    orderId: attempt.orderId,
    site: attempt.siteKey,
    at: new Date(attempt.tsMs).toISOString(),
    decision: answer.decision,
    score: answer.score,
    token: answer.token.status,
    order: attempt.order ?? null,
    reasons: answer.reasons,
    matrix: answer.matrix,
    device: answer.device,
    identifiers: (Object.entries(attempt.ids) as [IdentifierKind, string][]).map(([kind, hash]) => ({ kind, masked: maskHash(hash) })),
    shadow: answer.shadow.map((s) => ({
      ruleset: s.ruleset,
      decision: s.decision,
      agrees: s.decision === answer.decision,
      reasons: attempt.shadowMatrix?.find((m) => m.ruleset === s.ruleset)?.reasons ?? [],
    })),
    links: linked,
    label: label ? { label: label.label, note: label.reason ?? null, at: new Date(label.atMs).toISOString() } : null,
    review: attempt.review ? { status: attempt.review.status, at: new Date(attempt.review.atMs).toISOString() } : null,
  };
}

export type AttemptDetail = Awaited<ReturnType<typeof attemptDetail>>;
