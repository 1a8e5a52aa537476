import { HttpError } from "./errors.js";
import type { IdentifierKind } from "./identity/normalise.js";
import type { AttemptRecord, GraylistEntry, Label, LabelRecord, Store } from "./store/types.js";

/**
 * Outcome labels. A `fraud` label graylists every identifier of the attempt, so later attempts
 * sharing one are flagged; it also closes an open review as rejected (`legit`: approved).
 */
export class Labeler {
  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  async label(siteKey: string, target: { attempt?: string; orderId?: string }, label: Label, reason?: string): Promise<LabelRecord> {
    const attempt = await this.find(siteKey, target);
    const atMs = this.now();
    const record: LabelRecord = { attemptId: attempt.id, label, atMs };
    if (reason !== undefined) record.reason = reason;
    const graylist: GraylistEntry[] =
      label === "fraud"
        ? (Object.entries(attempt.ids) as [IdentifierKind, string][]).map(([kind, hash]) => ({ kind, hash, attemptId: attempt.id, atMs }))
        : [];
    await this.store.putLabel(record, graylist);
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
