import { randomBytes } from "node:crypto";
import { CONTACT_TTL_MS, type Contact, type ContactVault } from "../contact-vault.js";
import { KeyedLock } from "../keyed-lock.js";
import type { AttemptRecord, ChallengeRecord, Store } from "../store/types.js";
import { ChallengeKeys, generateCode, normaliseCode } from "./codes.js";
import { maskEmail, maskPhone } from "./mask.js";
import type { Lang } from "./messages.js";
import type { Channel, Notifiers } from "./notifier.js";

/** A code works this long after it was sent. */
export const CODE_TTL_MS = 10 * 60_000;
/** Wrong codes before the challenge fails, over all codes of the challenge. */
export const MAX_WRONG_CODES = 5;
/** Codes sent per challenge, the first included. */
export const MAX_SENDS = 3;
/** Wait between two codes. */
export const RESEND_AFTER_MS = 30_000;
/** Codes can be sent while the contact is kept (an hour after the assessment); the last one lives on for its own TTL. */
export const CHALLENGE_WINDOW_MS = CONTACT_TTL_MS + CODE_TTL_MS;

export type ChallengeStatus = "pending" | "passed" | "failed";
export type FailReason = "wrong_codes" | "expired" | "no_contact";

/** What the shopper's page may know of a challenge: masked contacts, counters, never a code or a raw contact. */
export interface ChallengeView {
  attempt: string;
  status: ChallengeStatus;
  channels: { channel: Channel; to: string }[];
  sent: { channel: Channel; to: string; expiresInSeconds: number } | null;
  triesLeft: number;
  sendsLeft: number;
  resendInSeconds: number;
}

/** A refusal with the contract's error shape; `challenge` carries the state the page should now show. */
export class ChallengeError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 429 | 503,
    readonly code: string,
    message: string,
    readonly extra: { path?: string; challenge?: ChallengeView; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "ChallengeError";
  }
}

interface Loaded {
  attempt: AttemptRecord;
  record: ChallengeRecord | undefined;
  contact: Contact | undefined;
}

export interface ChallengeServiceOptions {
  store: Store;
  contacts: ContactVault;
  notifiers: Notifiers;
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * The step-up check for attempts whose decision is `challenge`: sends a one-time code to the order's
 * e-mail or phone, checks what the shopper types, and turns the attempt into `allow` (passed) or
 * `review` with an open review (five wrong codes, or the window closed without a pass). Operations on
 * one attempt run one at a time in this process.
 */
export class ChallengeService {
  private readonly lock = new KeyedLock();
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly options: ChallengeServiceOptions,
    readonly keys: ChallengeKeys,
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  static async open(options: ChallengeServiceOptions): Promise<ChallengeService> {
    return new ChallengeService(options, new ChallengeKeys(await options.store.getOrCreateSecret("challenge-key", () => randomBytes(32))));
  }

  /** Whether any channel has a notifier; without one every challenge fails to review at once. */
  get hasNotifiers(): boolean {
    return Object.keys(this.options.notifiers).length > 0;
  }

  /**
   * Merchant backend: the ticket for the page, and the challenge's state. No channels means no code
   * can be sent; the challenge then fails once the page asks for it or its window closes.
   */
  async open(siteKey: string, attemptId: string): Promise<{ ticket: string; view: ChallengeView }> {
    return this.lock.run(attemptId, async () => {
      const loaded = await this.load(attemptId, siteKey);
      const view = await this.settle(loaded, false);
      return { ticket: this.keys.ticket(attemptId), view };
    });
  }

  /** The page: the challenge's state. */
  async state(attemptId: string, ticket: string): Promise<ChallengeView> {
    this.checkTicket(attemptId, ticket);
    return this.lock.run(attemptId, async () => this.settle(await this.load(attemptId)));
  }

  /** The page: send a (new) code to one of the offered channels. */
  async send(attemptId: string, ticket: string, channel: Channel, lang: Lang): Promise<ChallengeView> {
    this.checkTicket(attemptId, ticket);
    return this.lock.run(attemptId, async () => {
      const loaded = await this.load(attemptId);
      const view = await this.settle(loaded);
      if (view.status !== "pending") throw closed(view);
      const to = loaded.contact?.[channel];
      const notifier = this.options.notifiers[channel];
      if (to === undefined || notifier === undefined) throw new ChallengeError(400, "invalid_request", `channel: no ${channel} to send a code to for this order`, { path: "channel", challenge: view });
      if (view.sendsLeft === 0) throw new ChallengeError(429, "rate_limited", "no more codes can be sent for this order", { challenge: view });
      if (view.resendInSeconds > 0) {
        throw new ChallengeError(429, "rate_limited", `wait ${view.resendInSeconds} s before asking for another code`, { challenge: view, retryAfterSeconds: view.resendInSeconds });
      }
      const nowMs = this.now();
      const code = generateCode();
      const maskedTo = mask(channel, to);
      const record: ChallengeRecord = {
        ...(loaded.record ?? this.newRecord(loaded.attempt)),
        channel,
        sentTo: maskedTo,
        codeHash: this.keys.hashCode(attemptId, code),
        codeExpiresAtMs: nowMs + CODE_TTL_MS,
      };
      record.sentAtMs = [...record.sentAtMs, nowMs];
      try {
        await notifier.send({ channel, to, maskedTo, code, lang, expiresInMinutes: CODE_TTL_MS / 60_000, attemptId, siteKey: loaded.attempt.siteKey });
      } catch (err) {
        this.log(`challenge: sending a code for ${attemptId} by ${channel} failed: ${err instanceof Error ? err.message : String(err)}`);
        throw new ChallengeError(503, "unavailable", "the code could not be sent just now; try again in a moment", { challenge: view });
      }
      await this.options.store.putChallenge(record);
      return this.view({ ...loaded, record });
    });
  }

  /** The page: check a typed code. */
  async verify(attemptId: string, ticket: string, typed: string): Promise<ChallengeView> {
    this.checkTicket(attemptId, ticket);
    const code = normaliseCode(typed);
    if (code === undefined) throw new ChallengeError(400, "invalid_request", "code: six digits", { path: "code" });
    return this.lock.run(attemptId, async () => {
      const loaded = await this.load(attemptId);
      const view = await this.settle(loaded);
      if (view.status !== "pending") throw closed(view);
      const { record } = loaded;
      if (!record?.codeHash || record.codeExpiresAtMs === undefined) throw new ChallengeError(409, "no_code", "no code has been sent yet", { challenge: view });
      if (record.codeExpiresAtMs <= this.now()) throw new ChallengeError(409, "code_expired", "the code has expired; ask for a new one", { challenge: view });
      if (this.keys.isCode(attemptId, code, record.codeHash)) {
        const passed: ChallengeRecord = { ...record, status: "passed" };
        delete passed.codeHash;
        await this.finish(loaded.attempt, "passed", record.channel);
        await this.options.store.putChallenge(passed);
        return this.view({ ...loaded, attempt: (await this.options.store.getAttempt(attemptId)) ?? loaded.attempt, record: passed });
      }
      const wrong: ChallengeRecord = { ...record, failedTries: record.failedTries + 1 };
      if (wrong.failedTries >= MAX_WRONG_CODES) {
        const failed = await this.fail({ ...loaded, record: wrong }, "wrong_codes");
        throw new ChallengeError(400, "wrong_code", "wrong code, and no tries are left: the order goes to manual review", { challenge: failed });
      }
      await this.options.store.putChallenge(wrong);
      const left = MAX_WRONG_CODES - wrong.failedTries;
      throw new ChallengeError(400, "wrong_code", `wrong code; ${left} ${left === 1 ? "try" : "tries"} left`, { challenge: this.view({ ...loaded, record: wrong }) });
    });
  }

  /** Fails the challenge of an attempt still at `challenge` once its window has closed (the sweeper's work). */
  async expire(attemptId: string): Promise<boolean> {
    return this.lock.run(attemptId, async () => {
      const loaded = await this.load(attemptId).catch(() => undefined);
      if (!loaded || loaded.attempt.answer.decision !== "challenge" || loaded.attempt.answer.challenge) return false;
      return (await this.settle(loaded)).status === "failed";
    });
  }

  private checkTicket(attemptId: string, ticket: string): void {
    if (!this.keys.isTicket(attemptId, ticket)) throw new ChallengeError(404, "not_found", `no challenge ${attemptId} for this ticket`);
  }

  private async load(attemptId: string, siteKey?: string): Promise<Loaded> {
    const { store, contacts } = this.options;
    const attempt = await store.getAttempt(attemptId);
    if (!attempt || (siteKey !== undefined && attempt.siteKey !== siteKey)) throw new ChallengeError(404, "not_found", `no attempt ${attemptId} for this site`);
    if (attempt.answer.decision !== "challenge" && !attempt.answer.challenge) {
      throw new ChallengeError(409, "not_challenged", `attempt ${attemptId} was decided \`${attempt.answer.decision}\`; only a \`challenge\` decision has a challenge`);
    }
    const nowMs = this.now();
    const [record, contact] = await Promise.all([store.getChallenge(attemptId, nowMs), contacts.read(attemptId)]);
    return { attempt, record, contact };
  }

  /** The state now; a pending challenge that can no longer be passed fails here (and the attempt goes to review). */
  private async settle(loaded: Loaded, isShopperHere = true): Promise<ChallengeView> {
    const view = this.view(loaded);
    if (view.status !== "pending") return view;
    const nowMs = this.now();
    const hasLiveCode = loaded.record?.codeExpiresAtMs !== undefined && loaded.record.codeExpiresAtMs > nowMs;
    if (nowMs >= loaded.attempt.tsMs + CHALLENGE_WINDOW_MS) return this.fail(loaded, "expired");
    if (!hasLiveCode && view.sendsLeft === 0) return this.fail(loaded, "expired");
    if (!hasLiveCode && view.channels.length === 0 && isShopperHere) return this.fail(loaded, loaded.record ? "expired" : "no_contact");
    return view;
  }

  private async fail(loaded: Loaded, reason: FailReason): Promise<ChallengeView> {
    const record: ChallengeRecord = { ...(loaded.record ?? this.newRecord(loaded.attempt)), status: "failed" };
    delete record.codeHash;
    await this.finish(loaded.attempt, "failed", record.channel, reason);
    await this.options.store.putChallenge(record);
    this.log(`challenge: ${loaded.attempt.id} failed (${reason}); the attempt is now in review`);
    const attempt = (await this.options.store.getAttempt(loaded.attempt.id)) ?? loaded.attempt;
    return this.view({ ...loaded, attempt, record });
  }

  /** Writes the outcome on the attempt: `allow` when passed, `review` with an open review when failed. */
  private async finish(attempt: AttemptRecord, status: "passed" | "failed", channel: Channel | undefined, reason?: FailReason): Promise<void> {
    const nowMs = this.now();
    const fresh = (await this.options.store.getAttempt(attempt.id)) ?? attempt;
    const updated: AttemptRecord = {
      ...fresh,
      answer: {
        ...fresh.answer,
        decision: status === "passed" ? "allow" : "review",
        challenge: { status, at: new Date(nowMs).toISOString(), ...(channel ? { channel } : {}), ...(reason ? { reason } : {}) },
      },
    };
    if (status === "failed" && fresh.review?.status !== "open") updated.review = { status: "open", atMs: nowMs };
    await this.options.store.updateAttempt(updated);
  }

  private newRecord(attempt: AttemptRecord): ChallengeRecord {
    // Kept a little past the window so that late calls still find the outcome with its counters.
    return { attemptId: attempt.id, siteKey: attempt.siteKey, status: "pending", sentAtMs: [], failedTries: 0, expiresAtMs: attempt.tsMs + CHALLENGE_WINDOW_MS + CODE_TTL_MS };
  }

  private view({ attempt, record, contact }: Loaded): ChallengeView {
    const nowMs = this.now();
    const outcome = attempt.answer.challenge?.status;
    const status: ChallengeStatus = outcome ?? record?.status ?? "pending";
    const channels = (["email", "phone"] as const)
      .filter((channel) => contact?.[channel] !== undefined && this.options.notifiers[channel] !== undefined)
      .map((channel) => ({ channel, to: mask(channel, contact![channel]!) }));
    const sentAtMs = record?.sentAtMs ?? [];
    const lastSentMs = sentAtMs[sentAtMs.length - 1];
    const isOpen = status === "pending";
    const hasCode = isOpen && record?.channel !== undefined && record.codeExpiresAtMs !== undefined;
    return {
      attempt: attempt.id,
      status,
      channels: isOpen ? channels : [],
      sent: hasCode ? { channel: record!.channel!, to: record!.sentTo ?? "", expiresInSeconds: Math.max(0, Math.ceil((record!.codeExpiresAtMs! - nowMs) / 1000)) } : null,
      triesLeft: Math.max(0, MAX_WRONG_CODES - (record?.failedTries ?? 0)),
      sendsLeft: isOpen ? Math.max(0, MAX_SENDS - sentAtMs.length) : 0,
      resendInSeconds: isOpen && lastSentMs !== undefined ? Math.max(0, Math.ceil((lastSentMs + RESEND_AFTER_MS - nowMs) / 1000)) : 0,
    };
  }
}

function mask(channel: Channel, to: string): string {
  return channel === "email" ? maskEmail(to) : maskPhone(to);
}

function closed(view: ChallengeView): ChallengeError {
  return view.status === "passed"
    ? new ChallengeError(409, "challenge_passed", "this challenge has been passed already", { challenge: view })
    : new ChallengeError(409, "challenge_failed", "this challenge has failed; the order is with the merchant's review team", { challenge: view });
}
