import { HttpError } from "./errors.js";
import type { IdentifierKind } from "./identity/normalise.js";
import type { AttemptRecord, IdentifierHashes, IdentifierKey, IdentifierRef, Label, LabelRecord, ListEntry, Store } from "./store/types.js";

/** A `legit` label vouches for the customer, not for the device or address they happened to use. */
const TRUSTED_KINDS: ReadonlySet<IdentifierKind> = new Set(["customer", "email"]);

/**
 * Outcome labels. A `fraud` label graylists every identifier of the attempt, so later attempts
 * sharing one are flagged; a `legit` label marks its customer and e-mail as trusted. A new label on
 * the same attempt replaces the old one and its list entries. Labelling closes an open review.
 */
export class Labeler {
  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  async label(siteKey: string, target: { attempt?: string; orderId?: string }, label: Label, reason?: string): Promise<LabelRecord> {
    const attempt = await this.find(siteKey, target);
    const atMs = this.now();
    const { record, identifiers, entries } = labelWrites(attempt.id, attempt.ids, label, atMs, reason);
    await this.store.putLabel(record, identifiers, entries);
    if (attempt.review?.status === "open") {
      await this.store.updateAttempt({ ...attempt, review: { status: label === "fraud" ? "rejected" : "approved", atMs } });
    }
    return record;
  }

  private async find(siteKey: string, target: { attempt?: string; orderId?: string }): Promise<AttemptRecord> {
    const id = target.attempt ?? (target.orderId === undefined ? undefined : await this.store.findAttemptIdByOrder(siteKey, target.orderId));
    const attempt = id === undefined ? undefined : await this.store.getAttempt(id);
    if (!attempt || attempt.siteKey !== siteKey) {
      const what = target.attempt !== undefined ? `attempt ${target.attempt}` : `order ${target.orderId}`;
      throw new HttpError(404, "not_found", `no ${what} for this site`);
    }
    return attempt;
  }
}

/** What labelling an attempt writes: the label, the attempt's identifiers (whose earlier entries from it are removed) and the new list entries. */
export function labelWrites<K extends IdentifierKey>(
  attemptId: string,
  ids: IdentifierHashes<K>,
  label: Label,
  atMs: number,
  reason?: string,
): { record: LabelRecord; identifiers: IdentifierRef<K>[]; entries: ListEntry<K>[] } {
  const record: LabelRecord = { attemptId, label, atMs };
  if (reason !== undefined) record.reason = reason;
  const identifiers: IdentifierRef<K>[] = [];
  for (const kind in ids) identifiers.push({ kind: kind as IdentifierKind, hash: ids[kind as IdentifierKind]! });
  return { record, identifiers, entries: listEntries(attemptId, ids, label, atMs) };
}

/** The list entries labelling an attempt writes: every identifier on the fraud list, or its customer and e-mail on the legit list. */
export function listEntries<K extends IdentifierKey>(attemptId: string, ids: IdentifierHashes<K>, label: Label, atMs: number): ListEntry<K>[] {
  const entries: ListEntry<K>[] = [];
  for (const kind in ids) {
    if (label === "fraud" || TRUSTED_KINDS.has(kind as IdentifierKind)) entries.push({ list: label, kind: kind as IdentifierKind, hash: ids[kind as IdentifierKind]!, attemptId, atMs });
  }
  return entries;
}
