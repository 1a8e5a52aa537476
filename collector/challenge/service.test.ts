import { beforeEach, describe, expect, it } from "vitest";
import type { AssessAnswer } from "../assess/answer.js";
import { ContactVault } from "../contact-vault.js";
import { newId } from "../ids.js";
import type { Decision } from "../rules/policy.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { Outbox } from "./notifier.js";
import { CHALLENGE_WINDOW_MS, ChallengeError, ChallengeService, CODE_TTL_MS, MAX_SENDS, RESEND_AFTER_MS, type ChallengeView } from "./service.js";
import { startChallengeSweeper } from "./sweeper.js";

const T0 = Date.parse("2026-11-21T12:00:00Z");
let nowMs = T0;
const clock = () => nowMs;
let store: MemoryStore;
let outbox: Outbox;
let service: ChallengeService;

async function recordAttempt(id: string, decision: Decision, contact: { email?: string; phone?: string } = { email: "anna@example.com", phone: "+46701234567" }) {
  const answer: AssessAnswer = { id, orderId: `ord_${id}`, decision, score: 10, reasons: [], matrix: [], token: { status: "valid" }, device: null, shadow: [] };
  await store.recordAttempt({ id, siteKey: "pk_a", orderId: `ord_${id}`, tsMs: nowMs, ids: {}, answer });
  await (await ContactVault.open(store, clock)).keep(id, contact);
}

/** The code in the newest message of the outbox. */
function lastCode(): string {
  return /\b(\d{6})\b/.exec(outbox.list()[0]?.text ?? "")?.[1] ?? "";
}

async function refusal(promise: Promise<unknown>): Promise<ChallengeError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ChallengeError)) throw new Error(`expected a ChallengeError, got ${String(err)}`);
  return err;
}

beforeEach(async () => {
  nowMs = T0;
  store = new MemoryStore();
  outbox = new Outbox(() => {}, 50, clock);
  service = await ChallengeService.open({ store, contacts: await ContactVault.open(store, clock), notifiers: { email: outbox, phone: outbox }, now: clock });
});

describe("ChallengeService", () => {
  it("offers the order's contacts masked, sends a code and turns the attempt into allow on the right code", async () => {
    await recordAttempt("att_1", "challenge");
    const { ticket, view } = await service.open("pk_a", "att_1");
    expect(view).toMatchObject({ status: "pending", channels: [{ channel: "email", to: "a•••@example.com" }, { channel: "phone", to: "+46 •• ••• •• 67" }], sent: null, triesLeft: 5, sendsLeft: MAX_SENDS });
    expect(JSON.stringify(view)).not.toContain("anna@");

    const sent = await service.send("att_1", ticket, "email", "en");
    expect(sent.sent).toEqual({ channel: "email", to: "a•••@example.com", expiresInSeconds: CODE_TTL_MS / 1000 });
    expect(outbox.list()[0]).toMatchObject({ channel: "email", to: "a•••@example.com", attemptId: "att_1" });

    const passed = await service.verify("att_1", ticket, lastCode());
    expect(passed.status).toBe("passed");
    const attempt = await store.getAttempt("att_1");
    expect(attempt?.answer.decision).toBe("allow");
    expect(attempt?.answer.challenge).toEqual({ status: "passed", at: new Date(T0).toISOString(), channel: "email" });
    expect(attempt?.review).toBeUndefined();
    expect((await refusal(service.verify("att_1", ticket, lastCode()))).code).toBe("challenge_passed");
  });

  it("keeps only a keyed hash of the code", async () => {
    await recordAttempt("att_1", "challenge");
    const { ticket } = await service.open("pk_a", "att_1");
    await service.send("att_1", ticket, "phone", "sv");
    const record = await store.getChallenge("att_1", nowMs);
    expect(JSON.stringify(record)).not.toContain(lastCode());
    expect(record?.codeHash).toMatch(/^[\w-]{43}$/);
    expect(outbox.list()[0]?.text).toContain("är din verifieringskod");
  });

  it("fails after five wrong codes and puts the attempt in review", async () => {
    await recordAttempt("att_1", "challenge");
    const { ticket } = await service.open("pk_a", "att_1");
    await service.send("att_1", ticket, "email", "en");
    const wrong = lastCode() === "000000" ? "000001" : "000000";
    const left: number[] = [];
    for (let i = 0; i < 5; i++) {
      const err = await refusal(service.verify("att_1", ticket, wrong));
      expect(err).toMatchObject({ status: 400, code: "wrong_code" });
      left.push(err.extra.challenge!.triesLeft);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    // Even the right code is refused now.
    expect((await refusal(service.verify("att_1", ticket, lastCode()))).code).toBe("challenge_failed");
    const attempt = await store.getAttempt("att_1");
    expect(attempt?.answer.decision).toBe("review");
    expect(attempt?.answer.challenge).toMatchObject({ status: "failed", reason: "wrong_codes" });
    expect(attempt?.review?.status).toBe("open");
    expect((await store.listOpenReviews({ limit: 10 })).map((a) => a.id)).toEqual(["att_1"]);
  });

  it("refuses a code after ten minutes, and a resend replaces it", async () => {
    await recordAttempt("att_1", "challenge");
    const { ticket } = await service.open("pk_a", "att_1");
    await service.send("att_1", ticket, "email", "en");
    const first = lastCode();
    nowMs += CODE_TTL_MS;
    expect((await refusal(service.verify("att_1", ticket, first))).code).toBe("code_expired");
    await service.send("att_1", ticket, "email", "en");
    const second = lastCode();
    if (second !== first) expect((await refusal(service.verify("att_1", ticket, first))).code).toBe("wrong_code");
    expect((await service.verify("att_1", ticket, second)).status).toBe("passed");
  });

  it("limits resends: a wait between codes and at most three codes", async () => {
    await recordAttempt("att_1", "challenge");
    const { ticket } = await service.open("pk_a", "att_1");
    await service.send("att_1", ticket, "email", "en");
    const tooSoon = await refusal(service.send("att_1", ticket, "phone", "en"));
    expect(tooSoon).toMatchObject({ status: 429, code: "rate_limited", extra: { retryAfterSeconds: RESEND_AFTER_MS / 1000 } });
    nowMs += RESEND_AFTER_MS;
    await service.send("att_1", ticket, "phone", "en");
    nowMs += RESEND_AFTER_MS;
    const third = await service.send("att_1", ticket, "email", "en");
    expect(third.sendsLeft).toBe(0);
    nowMs += RESEND_AFTER_MS;
    expect(await refusal(service.send("att_1", ticket, "email", "en"))).toMatchObject({ status: 429, code: "rate_limited" });
    expect(outbox.list()).toHaveLength(3);
    // Once the last code has expired nothing can pass any more: the challenge fails.
    nowMs += CODE_TTL_MS;
    const view: ChallengeView = await service.state("att_1", ticket);
    expect(view.status).toBe("failed");
    expect((await store.getAttempt("att_1"))?.answer.challenge?.reason).toBe("expired");
  });

  it("refuses a wrong ticket, another site, an attempt not challenged and a channel the order lacks", async () => {
    await recordAttempt("att_1", "challenge", { email: "anna@example.com" });
    await recordAttempt("att_2", "allow");
    const { ticket } = await service.open("pk_a", "att_1");
    expect((await refusal(service.state("att_1", service.keys.ticket("att_2")))).status).toBe(404);
    expect((await refusal(service.state("att_1", ""))).status).toBe(404);
    expect((await refusal(service.open("pk_other", "att_1"))).status).toBe(404);
    expect((await refusal(service.open("pk_a", "att_nope"))).status).toBe(404);
    expect(await refusal(service.open("pk_a", "att_2"))).toMatchObject({ status: 409, code: "not_challenged" });
    expect(await refusal(service.send("att_1", ticket, "phone", "en"))).toMatchObject({ status: 400, extra: { path: "channel" } });
    expect(await refusal(service.verify("att_1", ticket, "12ab56"))).toMatchObject({ status: 400, extra: { path: "code" } });
    expect(await refusal(service.verify("att_1", ticket, "123456"))).toMatchObject({ status: 409, code: "no_code" });
  });

  it("offers no channel when no code can be sent (no contact, or no notifier), and fails once the page asks", async () => {
    await recordAttempt("att_1", "challenge", {});
    const { ticket, view } = await service.open("pk_a", "att_1");
    expect(view).toMatchObject({ status: "pending", channels: [] });
    expect((await store.getAttempt("att_1"))?.answer.decision).toBe("challenge");
    expect((await service.state("att_1", ticket)).status).toBe("failed");
    expect((await store.getAttempt("att_1"))?.answer).toMatchObject({ decision: "review", challenge: { reason: "no_contact" } });

    const silent = await ChallengeService.open({ store, contacts: await ContactVault.open(store, clock), notifiers: {}, now: clock });
    await recordAttempt("att_2", "challenge");
    expect((await silent.open("pk_a", "att_2")).view.channels).toEqual([]);
  });

  it("sends a challenge nobody finished to review once its window has closed", async () => {
    // Real, time-ordered ids: the sweeper walks attempts by time.
    const [idle, done] = [newId("att", nowMs), newId("att", nowMs)];
    await recordAttempt(idle, "challenge");
    await recordAttempt(done, "challenge");
    const { ticket } = await service.open("pk_a", done);
    await service.send(done, ticket, "email", "en");
    await service.verify(done, ticket, lastCode());
    const sweeper = startChallengeSweeper(store, service, () => {}, { now: clock });
    try {
      expect(await sweeper.sweep()).toBe(0);
      nowMs += CHALLENGE_WINDOW_MS + 1;
      expect(await sweeper.sweep()).toBe(1);
      expect(await sweeper.sweep()).toBe(0);
    } finally {
      sweeper.stop();
    }
    expect((await store.getAttempt(idle))?.answer).toMatchObject({ decision: "review", challenge: { status: "failed", reason: "expired" } });
    expect((await store.getAttempt(idle))?.review?.status).toBe("open");
    expect((await store.getAttempt(done))?.answer.decision).toBe("allow");
  });
});
