import { Writable } from "node:stream";
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateCommand } from "../cli/generate.js";
import { normaliseAddress, normaliseEmail, normalisePhone } from "../identity/normalise.js";
import { DEFAULT_RULESET_SOURCE } from "../rules/default-ruleset.js";
import { disposableDomains } from "../rules/disposable_email.js";
import { MARKET_TIMEZONES } from "./generate-data.js";
import { DEFAULT_DAYS, DEFAULT_START_MS, FRAUD_PATTERNS, GENUINE_PATTERNS, generateAttempts, type GeneratedAttempt, type Pattern } from "./generate.js";
import { toAttempt } from "./input.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const ORDERS = 6_000;
const SAMPLE = [...generateAttempts({ seed: 42, orders: ORDERS })];

const tsOf = (g: GeneratedAttempt) => Date.parse(g.attempt.ts);
const of = (pattern: Pattern) => SAMPLE.filter((g) => g.pattern === pattern);
const email = (g: GeneratedAttempt) => normaliseEmail(g.attempt.order.email!)!;
const shipTo = (g: GeneratedAttempt) => normaliseAddress(g.attempt.order.shipping ?? {});

function groupBy<K>(items: GeneratedAttempt[], key: (g: GeneratedAttempt) => K | undefined): Map<K, GeneratedAttempt[]> {
  const groups = new Map<K, GeneratedAttempt[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const distinct = <T>(items: GeneratedAttempt[], value: (g: GeneratedAttempt) => T) => new Set(items.map(value)).size;

/** The most distinct values of `value` among attempts sharing `key` within `windowMs` of each other. */
function mostWithin<K, V>(items: GeneratedAttempt[], key: (g: GeneratedAttempt) => K | undefined, value: (g: GeneratedAttempt) => V, windowMs: number): number {
  let best = 0;
  for (const group of groupBy(items, key).values()) {
    for (let i = 0; i < group.length; i++) {
      const window = group.filter((g) => tsOf(g) >= tsOf(group[i]!) && tsOf(g) < tsOf(group[i]!) + windowMs);
      best = Math.max(best, distinct(window, value));
    }
  }
  return best;
}

describe("generateAttempts", () => {
  it("gives the same lines for the same seed, and other lines for another seed", () => {
    const lines = (seed: number) => [...generateAttempts({ seed, orders: 1_500 })].map((g) => JSON.stringify(g.attempt));
    const first = lines(7);
    expect(lines(7)).toEqual(first);
    const other = new Set(lines(8));
    expect(first.filter((line) => other.has(line)).length).toBe(0);
  });

  it("yields exactly the number of orders asked for, in time order, inside the period", () => {
    expect(SAMPLE).toHaveLength(ORDERS);
    for (const orders of [0, 1, 7, 250]) expect([...generateAttempts({ seed: 1, orders })]).toHaveLength(orders);
    const endMs = DEFAULT_START_MS + DEFAULT_DAYS * DAY_MS;
    for (let i = 0; i < SAMPLE.length; i++) {
      const ts = tsOf(SAMPLE[i]!);
      expect(ts).toBeGreaterThanOrEqual(i === 0 ? DEFAULT_START_MS : tsOf(SAMPLE[i - 1]!));
      expect(ts).toBeLessThan(endMs);
    }
    const short = [...generateAttempts({ seed: 3, orders: 300, startMs: Date.parse("2026-06-01T00:00:00Z"), days: 0.5 })].map(tsOf);
    expect(Math.min(...short)).toBeGreaterThanOrEqual(Date.parse("2026-06-01T00:00:00Z"));
    expect(Math.max(...short)).toBeLessThan(Date.parse("2026-06-01T12:00:00Z"));
    expect(new Set(SAMPLE.map((g) => g.attempt.order.id)).size).toBe(ORDERS);
  });

  it("writes only lines that the backtest input accepts (CONTRACT §7)", () => {
    SAMPLE.forEach((g, i) => {
      const line = JSON.parse(JSON.stringify(g.attempt)) as unknown;
      expect(() => toAttempt(line, i + 1)).not.toThrow();
    });
  });

  it("refuses options it cannot honour", () => {
    expect(() => generateAttempts({ seed: -1, orders: 1 }).next()).toThrow(/seed/);
    expect(() => generateAttempts({ seed: 1, orders: 1.5 }).next()).toThrow(/orders/);
    expect(() => generateAttempts({ seed: 1, orders: 1, days: 0 }).next()).toThrow(/days/);
  });

  it("labels fraud patterns fraud, about 5% of all, and leaves some genuine attempts unlabelled", () => {
    const fraud = SAMPLE.filter((g) => g.attempt.label === "fraud");
    expect(fraud.length / ORDERS).toBeGreaterThanOrEqual(0.03);
    expect(fraud.length / ORDERS).toBeLessThanOrEqual(0.08);
    for (const g of SAMPLE) expect(g.attempt.label === "fraud").toBe((FRAUD_PATTERNS as readonly string[]).includes(g.pattern));
    const unlabelled = SAMPLE.filter((g) => g.attempt.label === null).length / (ORDERS - fraud.length);
    expect(unlabelled).toBeGreaterThan(0.05);
    expect(unlabelled).toBeLessThan(0.2);
  });

  it("has every pattern", () => {
    const seen = new Set(SAMPLE.map((g) => g.pattern));
    for (const pattern of [...GENUINE_PATTERNS, ...FRAUD_PATTERNS]) expect(seen, pattern).toContain(pattern);
  });

  it("uses amounts in minor units that add up, mostly in SEK and EUR, and phone numbers valid where they ship", () => {
    let sekOrEur = 0;
    for (const { attempt } of SAMPLE) {
      const { order } = attempt;
      expect(order.amount).toBe(order.items!.reduce((sum, item) => sum + item.quantity * item.unitPrice!, 0));
      if (order.currency === "SEK" || order.currency === "EUR") sekOrEur += 1;
      if (order.phone) {
        const country = (order.shipping ?? order.billing)!.country as CountryCode;
        expect(parsePhoneNumberFromString(order.phone, country)?.isValid(), `${order.phone} (${country})`).toBe(true);
      }
    }
    expect(sekOrEur / ORDERS).toBeGreaterThan(0.85);
  });

  it("gives genuine shoppers a browser set up where they live, and some fraud a foreign clock or a driven browser", () => {
    const genuine = SAMPLE.filter((g) => g.attempt.label !== "fraud" && g.attempt.signals);
    const atHome = genuine.filter((g) => g.attempt.signals!.timezone === MARKET_TIMEZONES[g.attempt.order.shipping!.country!]);
    expect(atHome.length / genuine.length).toBeGreaterThan(0.95);
    expect(genuine.every((g) => g.attempt.signals!.webdriver === false && g.attempt.signals!.visitorId === g.attempt.device!.id)).toBe(true);
    const fraud = SAMPLE.filter((g) => g.attempt.label === "fraud" && g.attempt.signals);
    expect(fraud.some((g) => g.attempt.signals!.webdriver === true)).toBe(true);
    const shipped = fraud.filter((g) => g.attempt.order.shipping);
    expect(shipped.filter((g) => g.attempt.signals!.timezone !== MARKET_TIMEZONES[g.attempt.order.shipping!.country!]).length).toBeGreaterThan(shipped.length * 0.1);
  });

  it("uses disposable mailboxes in some fraud and in no genuine order", () => {
    const isDisposable = (g: GeneratedAttempt) => disposableDomains().has(email(g).split("@")[1]!);
    expect(SAMPLE.filter((g) => g.attempt.label === "fraud").some(isDisposable)).toBe(true);
    expect(SAMPLE.filter((g) => g.attempt.label !== "fraud").some(isDisposable)).toBe(false);
  });
});

describe("the patterns, as the data shows them", () => {
  it("device_cycling: one device, at least three e-mails within an hour", () => {
    expect(mostWithin(of("device_cycling"), (g) => g.attempt.device?.id, email, HOUR_MS)).toBeGreaterThanOrEqual(3);
  });

  it("drop_address: one shipping address, at least three names", () => {
    expect(Math.max(...[...groupBy(of("drop_address"), shipTo).values()].map((group) => distinct(group, (g) => g.attempt.order.shipping!.name)))).toBeGreaterThanOrEqual(3);
  });

  it("fresh_account: an account minutes old and a large basket", () => {
    const large: Record<string, number> = { SEK: 1_000_000, EUR: 100_000 };
    for (const g of of("fresh_account")) {
      const ageMs = tsOf(g) - Date.parse(g.attempt.order.customer!.createdAt!);
      expect(ageMs).toBeGreaterThan(0);
      expect(ageMs).toBeLessThan(45 * 60_000);
      expect(g.attempt.order.amount).toBeGreaterThanOrEqual(large[g.attempt.order.currency!]!);
      expect(g.attempt.order.items!.some((item) => item.category === "electronics" || item.category === "gift_card")).toBe(true);
    }
  });

  it("phone_ring: one phone on at least three devices", () => {
    const byPhone = groupBy(of("phone_ring"), (g) => normalisePhone(g.attempt.order.phone!));
    expect(Math.max(...[...byPhone.values()].map((group) => distinct(group, (g) => g.attempt.device?.id)))).toBeGreaterThanOrEqual(3);
  });

  it("slow_fraud: a day or more between the attempts of one fraudster, who keeps one phone or one address", () => {
    const episodes = groupBy(of("slow_fraud"), (g) => g.episode);
    expect([...episodes.values()].some((group) => group.length >= 3)).toBe(true);
    for (const group of episodes.values()) {
      for (let i = 1; i < group.length; i++) expect(tsOf(group[i]!) - tsOf(group[i - 1]!)).toBeGreaterThanOrEqual(DAY_MS);
      const keepsPhone = distinct(group, (g) => g.attempt.order.phone) === 1;
      const keepsAddress = distinct(group, shipTo) === 1;
      expect(keepsPhone || keepsAddress).toBe(true);
      if (group.length > 1) expect(distinct(group, email)).toBe(group.length);
    }
  });

  it("card_testing: many small orders with different cards from one IP within an hour", () => {
    const card = (g: GeneratedAttempt) => `${g.attempt.order.payment!.cardBin}:${g.attempt.order.payment!.cardLast4}`;
    expect(mostWithin(of("card_testing"), (g) => g.attempt.ip, card, HOUR_MS)).toBeGreaterThanOrEqual(8);
    for (const g of of("card_testing")) expect(g.attempt.order.amount).toBeLessThanOrEqual(g.attempt.order.currency === "SEK" ? 10_000 : 1_000);
  });

  it("repeat_buyer: one customer, one e-mail, orders weeks apart", () => {
    const spans = [...groupBy(of("repeat_buyer"), (g) => g.attempt.order.customer?.id).values()]
      .filter((group) => group.length >= 3 && distinct(group, email) === 1)
      .map((group) => tsOf(group.at(-1)!) - tsOf(group[0]!));
    expect(Math.max(...spans)).toBeGreaterThanOrEqual(14 * DAY_MS);
  });

  it("new_buyer: a first order that is small", () => {
    const firsts = [...groupBy(of("new_buyer"), (g) => g.episode).values()].map((group) => group[0]!).filter((g) => g.attempt.order.currency === "SEK");
    expect(firsts.length).toBeGreaterThan(50);
    for (const g of firsts) expect(g.attempt.order.amount).toBeLessThanOrEqual(150_000);
  });

  it("household: different people at one address on one IP", () => {
    const sameHome = [...groupBy(of("household"), (g) => `${g.attempt.ip} ${shipTo(g)}`).values()];
    expect(Math.max(...sameHome.map((group) => distinct(group, email)))).toBeGreaterThanOrEqual(2);
  });

  it("typo_variants: one person, their name or address written more than one way", () => {
    const episodes = [...groupBy(of("typo_variants"), (g) => g.episode).values()];
    const spellings = (g: GeneratedAttempt) => `${g.attempt.order.shipping!.name}|${g.attempt.order.shipping!.line1}|${g.attempt.order.shipping!.line2 ?? ""}|${g.attempt.order.phone}`;
    expect(episodes.some((group) => distinct(group, spellings) >= 3)).toBe(true);
    for (const group of episodes) expect(distinct(group, (g) => g.attempt.order.payment?.cardLast4 ?? g.attempt.order.email!.toLowerCase().split("@")[1])).toBe(1);
  });

  it("mobile_nat: many strangers on one carrier address", () => {
    expect(Math.max(...[...groupBy(of("mobile_nat"), (g) => g.attempt.ip).values()].map((group) => distinct(group, email)))).toBeGreaterThanOrEqual(5);
  });

  it("b2b: business customers ordering what their segment orders", () => {
    const segments = DEFAULT_RULESET_SOURCE.rules.segment_category.segments as Record<string, string[]>;
    let units = 0;
    let usual = 0;
    for (const { attempt } of of("b2b")) {
      const { segment, orgNumber } = attempt.order.customer!;
      expect(orgNumber).toBeTruthy();
      expect(Object.keys(segments)).toContain(segment);
      for (const item of attempt.order.items!) {
        units += item.quantity;
        if (segments[segment!]!.includes(item.category!)) usual += item.quantity;
      }
    }
    expect(usual / units).toBeGreaterThan(0.95);
    expect(Math.max(...of("b2b").map((g) => g.attempt.order.amount!))).toBeGreaterThan(2_000_000);
  });
});

describe("vakt generate", () => {
  afterEach(() => vi.restoreAllMocks());

  /** A slow reader with a small buffer, so that the writer has to wait for 'drain'. */
  function sink(options: { failWith?: string } = {}) {
    const chunks: string[] = [];
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        if (options.failWith) return done(Object.assign(new Error("reader went away"), { code: options.failWith }));
        chunks.push(chunk.toString());
        setImmediate(done);
      },
    });
    return { out, text: () => chunks.join("") };
  }

  it("writes the attempts as NDJSON, the same as generateAttempts", async () => {
    const { out, text } = sink();
    expect(await generateCommand(["--seed", "5", "--orders", "400", "--days", "3", "--start", "2026-02-01T00:00:00Z"], out)).toBe(0);
    const lines = text().trimEnd().split("\n");
    expect(lines).toHaveLength(400);
    const expected = [...generateAttempts({ seed: 5, orders: 400, days: 3, startMs: Date.parse("2026-02-01T00:00:00Z") })].map((g) => JSON.stringify(g.attempt));
    expect(lines).toEqual(expected);
    lines.forEach((line, i) => expect(() => toAttempt(JSON.parse(line), i + 1)).not.toThrow());
  });

  it("stops quietly when the reader goes away (EPIPE), and fails on other write errors", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await generateCommand(["--seed", "1", "--orders", "300"], sink({ failWith: "EPIPE" }).out)).toBe(0);
    expect(error).not.toHaveBeenCalled();
    expect(await generateCommand(["--seed", "1", "--orders", "300"], sink({ failWith: "ENOSPC" }).out)).toBe(1);
    expect(error).toHaveBeenCalledWith(expect.stringContaining("reader went away"));
  });

  it.each([
    [["--orders", "5"], "--seed N is required"],
    [["--seed", "1"], "--orders N is required"],
    [["--seed", "x", "--orders", "5"], '--seed: "x" is not a whole number'],
    [["--seed", "1", "--orders", "0"], '--orders: "0" is not a whole number from 1'],
    [["--seed", "1", "--orders", "5", "--days", "-2"], "--days"],
    [["--seed", "1", "--orders", "5", "--start", "tomorrow"], '--start: "tomorrow" is not an ISO-8601'],
    [["--seed", "1", "--orders", "5", "--rate", "3"], "Unknown option '--rate'"],
    [["--seed", "1", "--orders", "5", "more"], "Unexpected argument 'more'"],
  ])("refuses %j with a usage error (exit 2)", async (args, message) => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { out, text } = sink();
    expect(await generateCommand(args, out)).toBe(2);
    expect(error).toHaveBeenCalledWith(expect.stringContaining(message));
    expect(error).toHaveBeenCalledWith(expect.stringContaining("usage: vakt generate"));
    expect(text()).toBe("");
  });
});
