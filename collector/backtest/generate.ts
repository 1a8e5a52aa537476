/**
 * Seeded, realistic checkout traffic for backtests (docs/backtest.md, "The generator"): genuine
 * shoppers whose identifiers repeat the way real ones do, and fraud that repeats the way fraud does.
 * Every value comes from the seed (no Math.random, no clock), so a seed always gives the same lines.
 *
 * Traffic is planned as episodes (one shopper, one household, one card-testing burst), each with its
 * own times and its own random stream; all episodes' attempts are then built in time order.
 * Identifiers that must not collide by accident (e-mails, phones, cards, addresses, home networks)
 * come from the World's counters (generate-world.ts); the tables are in generate-data.ts.
 */
import type { EnvironmentSignals } from "../../sdk/protocol.js";
import type { Order } from "../assess/request.js";
import { B2B, BULK_CATEGORIES, COMPANY_NAMES, DISPOSABLE_DOMAINS, FI, FI_COMPANY_NAMES, FRAUD_MAIL_DOMAINS, HOSTING_NETS, PROBES, SE, TESTER_BINS, type Market } from "./generate-data.js";
import { Random, World, ascii, botSignals, consumerBasket, fullName, humanSignals, line, merge, price, resaleBasket, type Address, type Card, type Device, type HumanVisit, type Person } from "./generate-world.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const GENUINE_PATTERNS = ["repeat_buyer", "new_buyer", "household", "typo_variants", "mobile_nat", "b2b"] as const;
export const FRAUD_PATTERNS = ["device_cycling", "drop_address", "fresh_account", "phone_ring", "slow_fraud", "card_testing"] as const;
export type GenuinePattern = (typeof GENUINE_PATTERNS)[number];
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];
export type Pattern = GenuinePattern | FraudPattern;

/** One line of backtest input (CONTRACT §7). */
export interface AttemptLine {
  ts: string;
  order: Order;
  ip: string;
  device?: { id: string };
  signals?: EnvironmentSignals;
  label: "fraud" | "legit" | null;
}

/** A generated attempt with what made it: `pattern` and `episode` (e.g. `drop_address#3`) are not part of the line. */
export interface GeneratedAttempt {
  attempt: AttemptLine;
  pattern: Pattern;
  episode: string;
}

export interface GenerateOptions {
  /** Any non-negative safe integer. */
  seed: number;
  /** Attempts to generate, exactly. */
  orders: number;
  /** Start of the period, epoch ms (default 2026-01-05T00:00:00Z). */
  startMs?: number;
  /** Length of the period in days (default 30). */
  days?: number;
}

export const DEFAULT_START_MS = Date.UTC(2026, 0, 5);
export const DEFAULT_DAYS = 30;
/** Memory grows with the orders (about 1.5 GB and two minutes for a million), and a backtest reads its whole input at once. */
export const MAX_ORDERS = 1_000_000;
export const MAX_DAYS = 3650;
/** Share of attempts that are fraud. */
export const FRAUD_SHARE = 0.05;

/** Share of attempts per pattern within the genuine and the fraud traffic. */
const GENUINE_MIX: Record<GenuinePattern, number> = { repeat_buyer: 0.44, new_buyer: 0.2, household: 0.12, typo_variants: 0.06, mobile_nat: 0.14, b2b: 0.04 };
const FRAUD_MIX: Record<FraudPattern, number> = { device_cycling: 0.18, drop_address: 0.15, fresh_account: 0.12, phone_ring: 0.15, slow_fraud: 0.15, card_testing: 0.25 };
/** Genuine attempts left unlabelled (nobody confirmed them either way). */
const UNLABELLED_SHARE = 0.12;

// ---------------------------------------------------------------- time

/** Share of orders per local hour (Nordic time, UTC+1): people shop at lunch and in the evening. */
const GENUINE_HOURS = [1.5, 0.8, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 4.5, 5, 5.5, 6, 5.5, 5, 5, 5.5, 6, 7, 8.5, 9, 8, 6, 3.5];
/** Fraud keeps other hours: flatter, busier at night. */
const FRAUD_HOURS = [4, 4.5, 4.5, 4, 3.5, 3, 3, 3, 3.5, 4, 4, 4, 4, 4, 4, 4, 4, 4.5, 4.5, 5, 5, 5, 5, 4.5];
const LOCAL_OFFSET_MS = HOUR_MS;
const GENUINE_HOUR_TABLE = GENUINE_HOURS.map((weight, hour) => [hour, weight] as const);
const FRAUD_HOUR_TABLE = FRAUD_HOURS.map((weight, hour) => [hour, weight] as const);
type Hours = typeof GENUINE_HOUR_TABLE;

interface Bounds {
  startMs: number;
  endMs: number;
}

/** A moment on the same local day as `ms`, at an hour drawn from `hours`. */
function onDay(rng: Random, ms: number, hours: Hours): number {
  const dayStart = Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
  return dayStart + rng.weighted(hours) * HOUR_MS + Math.floor(rng.next() * HOUR_MS);
}

/** A moment anywhere in the bounds, or in its first `spanMs`-shortened part so that an episode of that length fits. */
function moment(rng: Random, bounds: Bounds, hours: Hours, spanMs = 0): number {
  const raw = bounds.startMs + Math.floor(rng.next() * Math.max(bounds.endMs - bounds.startMs - spanMs, 1));
  const at = onDay(rng, raw, hours);
  return at >= bounds.startMs && at < bounds.endMs ? at : raw;
}

/** Moments from `firstMs` on, each `gap()` after the last, on days apart: for gaps of a day or more. */
function daily(rng: Random, bounds: Bounds, firstMs: number, gapMs: () => number, hours: Hours, limit = Infinity): number[] {
  const times: number[] = [];
  for (let t = firstMs; t < bounds.endMs && times.length < limit; t += gapMs()) times.push(onDay(rng, t, hours));
  return inBounds(rng, times, bounds);
}

/** Moments `gap()` apart from `firstMs`: for bursts minutes or hours apart. */
function burst(rng: Random, bounds: Bounds, firstMs: number, count: number, gapMs: () => number): number[] {
  const times: number[] = [];
  for (let t = firstMs, i = 0; i < count; i++, t += gapMs()) times.push(Math.round(t));
  return inBounds(rng, times, bounds);
}

/** The moments inside the bounds, in order; never none (a period too short for any gets one moment anywhere in it). */
function inBounds(rng: Random, times: number[], bounds: Bounds): number[] {
  const kept = times.filter((t) => t >= bounds.startMs && t < bounds.endMs).sort((a, b) => a - b);
  return kept.length > 0 ? kept : [bounds.startMs + Math.floor(rng.next() * (bounds.endMs - bounds.startMs))];
}

// ---------------------------------------------------------------- episodes

interface Draft {
  order: Omit<Order, "id">;
  ip: string;
  device?: Device;
  signals?: EnvironmentSignals;
  label: "fraud" | "legit" | null;
}

interface Plan {
  /** Epoch ms, ascending. */
  times: number[];
  /** Called once per step, in order. */
  build(step: number, tsMs: number): Draft;
}

interface Ctx {
  world: World;
  rng: Random;
  bounds: Bounds;
}

const iso = (ms: number) => new Date(ms).toISOString();
const genuineLabel = (rng: Random): "legit" | null => (rng.chance(UNLABELLED_SHARE) ? null : "legit");
const addressOf = (name: string, address: Address) => ({ name, ...address });

/** The order with its amount (the items' sum) and currency; parts left undefined are left out. */
function orderOf(market: Market, parts: Omit<Order, "id" | "amount" | "currency">): Omit<Order, "id"> {
  const amount = (parts.items ?? []).reduce((sum, item) => sum + item.quantity * (item.unitPrice ?? 0), 0);
  const given = Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined)) as typeof parts;
  return { amount, currency: market.currency, ...given };
}

function payment(method: string, card: Card): NonNullable<Order["payment"]> {
  return method === "card" ? { method, ...card } : { method };
}

/** The shopper's browser on a genuine visit; one in twenty has the script blocked and sends no signals. */
function genuineVisit(rng: Random, device: Device, visit: HumanVisit): Pick<Draft, "device" | "signals"> {
  return rng.chance(0.05) ? {} : { device, signals: humanSignals(rng, device, visit) };
}

/** Mobiles on mobile data share the carrier's NAT addresses; everything else is on the home line. */
function networkIp(world: World, rng: Random, person: Person, device: Device, mobileDataShare = 0.55): string {
  return device.agent.kind === "mobile" && rng.chance(mobileDataShare) ? world.natIp(rng, person) : person.homeIp;
}

function customerOf(person: Person, name = fullName(person)): NonNullable<Order["customer"]> | undefined {
  return person.customer ? { id: person.customer.id, createdAt: iso(person.customer.createdAtMs), name } : undefined;
}

/** A shopper who has ordered for months: same account, e-mail, phone, devices and address; now and then a new phone, a move or a gift. */
function repeatBuyer({ world, rng, bounds }: Ctx): Plan {
  const person = world.person(rng, { createdAtMs: bounds.startMs - rng.between(30, 1500) * DAY_MS });
  const meanGapDays = rng.between(4, 20);
  const isGuest = rng.chance(0.15);
  const times = daily(rng, bounds, bounds.startMs + rng.next() * meanGapDays * DAY_MS, () => DAY_MS + rng.exp((meanGapDays - 1) * DAY_MS), GENUINE_HOUR_TABLE);
  return {
    times,
    build(step) {
      if (step > 0 && rng.chance(0.04)) person.devices[person.devices.length > 1 ? 1 : 0] = world.device(rng, person.market, "mobile");
      if (step > 0 && rng.chance(0.02)) {
        person.address = world.address(rng, person.market);
        person.homeIp = world.homeIp();
      }
      const device = person.devices.length > 1 && rng.chance(0.35) ? person.devices[1]! : person.devices[0]!;
      const isGift = rng.chance(0.06);
      const recipient = isGift ? `${rng.pick(person.market.first)} ${rng.chance(0.5) ? person.last : rng.pick(person.market.last)}` : fullName(person);
      return {
        order: orderOf(person.market, {
          email: person.email,
          phone: person.phone,
          ...(isGuest ? {} : { customer: customerOf(person) }),
          billing: addressOf(fullName(person), person.address),
          shipping: addressOf(recipient, isGift ? world.address(rng, person.market) : person.address),
          items: consumerBasket(rng, person.market),
          payment: payment(rng.chance(0.85) ? person.method : "card", person.card),
        }),
        ip: networkIp(world, rng, person, device),
        ...genuineVisit(rng, device, { fill: isGuest ? "autofill" : "prefilled" }),
        label: genuineLabel(rng),
      };
    },
  };
}

/** A first-time shopper: types everything, starts small; some come back. */
function newBuyer({ world, rng, bounds }: Ctx): Plan {
  const person = world.person(rng);
  const count = rng.weighted([[1, 70], [2, 25], [3, 5]]);
  const times = daily(rng, bounds, moment(rng, bounds, GENUINE_HOUR_TABLE), () => rng.between(2, 20) * DAY_MS, GENUINE_HOUR_TABLE, count);
  const hasAccount = rng.chance(0.5);
  return {
    times,
    build(step, tsMs) {
      if (step === 0 && hasAccount) person.customer = { id: world.customerId(), createdAtMs: tsMs - rng.int(1, 15) * MINUTE_MS };
      const device = person.devices[0]!;
      const isGift = rng.chance(0.05);
      return {
        order: orderOf(person.market, {
          email: person.email,
          phone: person.phone,
          customer: customerOf(person),
          billing: addressOf(fullName(person), person.address),
          shipping: addressOf(isGift ? `${rng.pick(person.market.first)} ${rng.pick(person.market.last)}` : fullName(person), isGift ? world.address(rng, person.market) : person.address),
          items: consumerBasket(rng, person.market, step === 0),
          payment: payment(person.method, person.card),
        }),
        ip: networkIp(world, rng, person, device),
        ...genuineVisit(rng, device, { fill: step > 0 && hasAccount ? "prefilled" : "typed", paste: rng.chance(0.08) ? ["email"] : [] }),
        label: genuineLabel(rng),
      };
    },
  };
}

/** Two to four people at one address on one home line (a family), or neighbours in one building on one /24. */
function household({ world, rng, bounds }: Ctx): Plan {
  const market = world.market(rng);
  const size = rng.weighted([[2, 72], [3, 22], [4, 6]]);
  const isFamily = rng.chance(0.75);
  const home = world.address(rng, market);
  const homeIp = world.homeIp();
  const net = homeIp.slice(0, homeIp.lastIndexOf("."));
  const familyName = rng.pick(market.last);
  const members = Array.from({ length: size }, (_, i) =>
    world.person(rng, {
      market,
      ...(isFamily && (i === 0 || rng.chance(0.7)) ? { last: familyName } : {}),
      ...(isFamily ? { address: home, homeIp } : { address: { ...home, line2: `lgh ${1001 + 100 * rng.int(0, 5) + i}` }, homeIp: `${net}.${rng.int(1, 254)}` }),
      ...(rng.chance(0.6) ? { createdAtMs: bounds.startMs - rng.between(20, 900) * DAY_MS } : {}),
    }),
  );
  const shared = isFamily && rng.chance(0.25) ? world.device(rng, market, "mobile") : undefined;
  if (shared) for (const member of members.slice(0, 2)) member.devices[0] = shared;
  const steps: { tsMs: number; member: Person }[] = [];
  for (const member of members) {
    const count = rng.weighted([[1, 45], [2, 35], [3, 20]]);
    for (const tsMs of daily(rng, bounds, moment(rng, bounds, GENUINE_HOUR_TABLE), () => rng.between(3, 15) * DAY_MS, GENUINE_HOUR_TABLE, count)) steps.push({ tsMs, member });
  }
  steps.sort((a, b) => a.tsMs - b.tsMs);
  return {
    times: steps.map((s) => s.tsMs),
    build(step) {
      const member = steps[step]!.member;
      const device = rng.pick(member.devices);
      return {
        order: orderOf(market, {
          email: member.email,
          phone: member.phone,
          customer: customerOf(member),
          billing: addressOf(fullName(member), member.address),
          shipping: addressOf(fullName(member), member.address),
          items: consumerBasket(rng, market),
          payment: payment(member.method, member.card),
        }),
        ip: networkIp(world, rng, member, device, 0.3),
        ...genuineVisit(rng, device, { fill: member.customer ? "prefilled" : rng.chance(0.5) ? "autofill" : "typed" }),
        label: genuineLabel(rng),
      };
    },
  };
}

/** A surname spelt another way: the kind of slip a person makes on their own name. */
function nameVariants(last: string): string[] {
  const out = new Set<string>();
  const swaps: [RegExp, string][] = [[/qv/, "kv"], [/qv/, "qu"], [/kv/, "qv"], [/ss/, "s"], [/ll/, "l"], [/nn/, "n"], [/ck/, "k"], [/ö/, "o"], [/ä/, "a"], [/å/, "a"], [/ph/, "f"]];
  for (const [from, to] of swaps) if (from.test(last)) out.add(last.replace(from, to));
  if (last.length > 4) {
    const i = Math.floor(last.length / 2);
    out.add(last.slice(0, i) + last[i + 1] + last[i] + last.slice(i + 2));
    out.add(last.slice(0, i) + last.slice(i + 1));
  }
  out.delete(last);
  return [...out];
}

function addressVariants(address: Address): Address[] {
  const abbreviated = address.line1.replace(/(gatan|vägen|katu|veien|gade|vej)\b/, (m) => ({ gatan: "g.", vägen: "v.", katu: "k.", veien: "vn.", gade: "g.", vej: "v." })[m] ?? m);
  const variants: Address[] = [{ ...address, line1: address.line1.toLowerCase() }, { ...address, postalCode: address.postalCode.replace(/\s/g, "") }];
  if (abbreviated !== address.line1) variants.push({ ...address, line1: abbreviated });
  if (address.line2) {
    const { line2, ...rest } = address;
    variants.push({ ...rest, line1: `${address.line1}, ${line2}` });
  }
  return variants;
}

/** One person who writes their own details differently from order to order, and who may move. */
function typoVariants({ world, rng, bounds }: Ctx): Plan {
  const person = world.person(rng, rng.chance(0.5) ? { createdAtMs: bounds.startMs - rng.between(30, 900) * DAY_MS } : {});
  const names = nameVariants(person.last);
  const times = daily(rng, bounds, moment(rng, bounds, GENUINE_HOUR_TABLE, 20 * DAY_MS), () => rng.between(2, 9) * DAY_MS, GENUINE_HOUR_TABLE, rng.int(3, 6));
  const moveAt = rng.chance(0.3) ? rng.int(1, Math.max(1, times.length - 1)) : -1;
  const [local, domain] = person.email.split("@") as [string, string];
  const national = "0" + person.phone.slice(3);
  return {
    times,
    build(step) {
      if (step === moveAt) person.address = world.address(rng, person.market);
      const last = names.length > 0 && rng.chance(0.25) ? rng.pick(names) : person.last;
      const name = `${rng.chance(0.15) ? person.first.toLowerCase() : person.first} ${last}`;
      const address = rng.chance(0.35) ? rng.pick(addressVariants(person.address)) : person.address;
      const phone = person.market === SE && rng.chance(0.25) ? rng.pick([`${national.slice(0, 3)}-${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`, `+46 ${person.phone.slice(3, 5)} ${person.phone.slice(5, 8)} ${person.phone.slice(8)}`]) : person.phone;
      const email = rng.chance(0.2) ? rng.pick([`${local[0]!.toUpperCase()}${local.slice(1)}@${domain}`, `${local}+shop@${domain}`, `${local}@${domain.toUpperCase()}`]) : person.email;
      const device = person.devices[0]!;
      return {
        order: orderOf(person.market, {
          email,
          phone,
          customer: customerOf(person, name),
          billing: addressOf(name, address),
          shipping: addressOf(name, address),
          items: consumerBasket(rng, person.market),
          payment: payment(person.method, person.card),
        }),
        ip: networkIp(world, rng, person, device),
        ...genuineVisit(rng, device, { fill: person.customer ? "prefilled" : "typed" }),
        label: genuineLabel(rng),
      };
    },
  };
}

/** A stranger on a phone on mobile data: one of many behind the carrier's few NAT addresses. */
function mobileNat({ world, rng, bounds }: Ctx): Plan {
  const person = world.person(rng, rng.chance(0.4) ? { createdAtMs: bounds.startMs - rng.between(10, 700) * DAY_MS } : {});
  const device = world.device(rng, person.market, "mobile");
  const times = daily(rng, bounds, moment(rng, bounds, GENUINE_HOUR_TABLE), () => rng.between(2, 14) * DAY_MS, GENUINE_HOUR_TABLE, rng.weighted([[1, 60], [2, 30], [3, 10]]));
  return {
    times,
    build() {
      return {
        order: orderOf(person.market, {
          email: person.email,
          phone: person.phone,
          customer: customerOf(person),
          billing: addressOf(fullName(person), person.address),
          shipping: addressOf(fullName(person), person.address),
          items: consumerBasket(rng, person.market, !person.customer),
          payment: payment(person.method, person.card),
        }),
        ip: world.natIp(rng, person),
        ...genuineVisit(rng, device, { fill: person.customer ? "prefilled" : rng.chance(0.5) ? "autofill" : "typed" }),
        label: genuineLabel(rng),
      };
    },
  };
}

/** A business account (restaurant, café, office, builder, salon) restocking every week or two; now and then a big purchase. */
function b2b({ world, rng, bounds }: Ctx): Plan {
  const market = rng.chance(0.85) ? SE : FI;
  const segment = rng.pick(Object.keys(B2B));
  const kind = B2B[segment]!;
  const company = market === FI ? `${rng.pick(kind.fiWords)} ${rng.pick(FI_COMPANY_NAMES)} Oy` : `${rng.pick(COMPANY_NAMES)} ${rng.pick(kind.words)} AB`;
  const orgNumber = world.orgNumber(market);
  const address = world.address(rng, market);
  const ip = world.businessIp();
  const staff = Array.from({ length: rng.int(1, 2) }, () => {
    const first = rng.pick(market.first);
    const last = rng.pick(market.last);
    const domain = `${ascii(company.replace(/ (AB|Oy)$/, ""))}.${market.country.toLowerCase()}`;
    return { name: `${first} ${last}`, email: world.email(rng, first, last, [[domain, 1]], rng.chance(0.3) ? "info" : undefined), device: world.device(rng, market, "desktop") };
  });
  const customer = { id: world.customerId(), createdAt: iso(bounds.startMs - rng.between(120, 1500) * DAY_MS), orgNumber, segment };
  const phone = world.phone(market);
  const card = world.card();
  const meanGapDays = rng.between(5, 12);
  const times = daily(rng, bounds, bounds.startMs + rng.next() * meanGapDays * DAY_MS, () => DAY_MS + rng.exp(meanGapDays * DAY_MS), GENUINE_HOUR_TABLE.map(([h, w]) => [h, h >= 7 && h <= 16 ? w * 3 : w / 4] as const));
  return {
    times,
    build() {
      const person = rng.pick(staff);
      const lines = Array.from({ length: rng.int(3, 7) }, () => {
        const product = rng.pick(kind.products);
        return line(product, product.sek >= 150_000 ? rng.int(1, 3) : rng.int(2, 16), market);
      });
      if (rng.chance(0.08)) {
        const product = rng.pick(kind.big);
        lines.push(line(product, BULK_CATEGORIES.has(product.category) ? rng.int(3, 10) : rng.int(1, 2), market));
      }
      if (rng.chance(0.08)) lines.push(line(kind.odd, 1, market));
      return {
        order: orderOf(market, {
          email: person.email,
          phone,
          customer: { ...customer, name: person.name },
          billing: addressOf(company, address),
          shipping: addressOf(company, address),
          items: merge(lines),
          payment: payment(rng.chance(0.7) ? "invoice" : "card", card),
        }),
        ip,
        ...genuineVisit(rng, person.device, { fill: "prefilled", medianSeconds: 60 }),
        label: genuineLabel(rng),
      };
    },
  };
}

/** Someone whose details were stolen: the name, e-mail, phone, card and billing address a fraudster uses once. */
function victim(world: World, rng: Random, market: Market, mailDomains: readonly (readonly [string, number])[] = FRAUD_MAIL_DOMAINS) {
  const first = rng.pick(market.first);
  const last = rng.pick(market.last);
  return { name: `${first} ${last}`, email: world.email(rng, first, last, mailDomains), phone: world.phone(market), card: world.card(), billing: world.address(rng, market) };
}

const disposable = (rng: Random): readonly (readonly [string, number])[] => [[rng.pick(DISPOSABLE_DOMAINS), 1]];

/** A fraudster's browser: usually a desktop, its clock often where the fraudster is rather than where the goods go. */
function fraudDevice(world: World, rng: Random, market: Market, foreignShare: number, kind?: "desktop" | "mobile"): Device {
  return world.device(rng, rng.chance(foreignShare) ? undefined : market, kind);
}

const hostingIp = (rng: Random, net = rng.pick(HOSTING_NETS)) => `${net}.${rng.int(1, 254)}`;

/** One device, a new stolen identity (e-mail, name, phone, card) on every order, minutes apart. */
function deviceCycling({ world, rng, bounds }: Ctx): Plan {
  const market = rng.chance(0.85) ? SE : FI;
  const device = fraudDevice(world, rng, market, 0.5, "desktop");
  const domains = rng.chance(0.3) ? disposable(rng) : FRAUD_MAIL_DOMAINS;
  const net = rng.pick(HOSTING_NETS);
  const fixedIp = rng.chance(0.4) ? hostingIp(rng, net) : undefined;
  const isBot = rng.chance(0.1);
  const times = burst(rng, bounds, moment(rng, bounds, FRAUD_HOUR_TABLE, 2 * HOUR_MS), rng.int(4, 8), () => rng.between(2, 15) * MINUTE_MS);
  return {
    times,
    build(_step, tsMs) {
      const id = victim(world, rng, market, domains);
      const hasAccount = rng.chance(0.4);
      return {
        order: orderOf(market, {
          email: id.email,
          phone: id.phone,
          customer: hasAccount ? { id: world.customerId(), createdAt: iso(tsMs - rng.int(1, 5) * MINUTE_MS), name: id.name } : { name: id.name },
          billing: addressOf(id.name, id.billing),
          shipping: addressOf(id.name, rng.chance(0.6) ? world.address(rng, market) : id.billing),
          items: resaleBasket(rng, market, "mid"),
          payment: { method: "card", ...id.card },
        }),
        ip: fixedIp ?? hostingIp(rng, net),
        device,
        signals: isBot ? botSignals(rng, device, "webdriver") : humanSignals(rng, device, { fill: "typed", paste: rng.chance(0.7) ? ["email", "phone", "name"] : ["email"], medianSeconds: 35 }),
        label: "fraud",
      };
    },
  };
}

/** One delivery address receiving orders in many people's names, with their cards, over days. */
function dropAddress({ world, rng, bounds }: Ctx): Plan {
  const market = SE;
  const drop = world.address(rng, market);
  const devices = Array.from({ length: rng.int(1, 2) }, () => fraudDevice(world, rng, market, 0.2));
  const homeIp = world.homeIp();
  const times = burst(rng, bounds, moment(rng, bounds, FRAUD_HOUR_TABLE, 10 * DAY_MS), rng.int(4, 7), () => rng.between(3 * HOUR_MS, 4 * DAY_MS));
  return {
    times,
    build() {
      const id = victim(world, rng, market);
      const device = rng.pick(devices);
      return {
        order: orderOf(market, {
          email: id.email,
          phone: id.phone,
          customer: { name: id.name },
          billing: addressOf(id.name, id.billing),
          shipping: addressOf(id.name, drop),
          items: rng.chance(0.7) ? resaleBasket(rng, market, "mid") : consumerBasket(rng, market),
          payment: { method: "card", ...id.card },
        }),
        ip: rng.chance(0.6) ? homeIp : world.homeIp(),
        device,
        signals: humanSignals(rng, device, { fill: "typed", paste: rng.chance(0.5) ? ["email", "phone"] : [], medianSeconds: 45 }),
        label: "fraud",
      };
    },
  };
}

/** An account made minutes before a large basket of resellable electronics; sometimes retried with another card. */
function freshAccount({ world, rng, bounds }: Ctx): Plan {
  const market = rng.chance(0.85) ? SE : FI;
  const device = fraudDevice(world, rng, market, 0.4);
  const id = victim(world, rng, market, rng.chance(0.35) ? disposable(rng) : FRAUD_MAIL_DOMAINS);
  const times = burst(rng, bounds, moment(rng, bounds, FRAUD_HOUR_TABLE, HOUR_MS), rng.weighted([[1, 70], [2, 22], [3, 8]]), () => rng.between(3, 12) * MINUTE_MS);
  const customer = { id: world.customerId(), createdAt: iso(times[0]! - rng.int(1, 9) * MINUTE_MS), name: id.name };
  const shipTo = rng.chance(0.6) ? world.address(rng, market) : id.billing;
  const ip = rng.chance(0.5) ? hostingIp(rng) : world.homeIp();
  const items = resaleBasket(rng, market, "big");
  return {
    times,
    build(step) {
      const card = step === 0 ? id.card : world.card();
      return {
        order: orderOf(market, {
          email: id.email,
          phone: id.phone,
          customer,
          billing: addressOf(id.name, id.billing),
          shipping: addressOf(id.name, shipTo),
          items,
          payment: { method: "card", ...card },
        }),
        ip,
        device,
        signals: humanSignals(rng, device, { fill: "typed", paste: rng.chance(0.5) ? ["email", "name", "address"] : [], medianSeconds: 40 }),
        label: "fraud",
      };
    },
  };
}

/** Several devices, each with its own names and e-mails, sharing one or two phone numbers: a ring's burner phones. */
function phoneRing({ world, rng, bounds }: Ctx): Plan {
  const market = SE;
  const phones = Array.from({ length: rng.int(1, 2) }, () => (rng.chance(0.2) ? world.foreignPhone(rng) : world.phone(market)));
  const members = Array.from({ length: rng.int(3, 5) }, () => ({ device: fraudDevice(world, rng, market, 0.3), ip: world.homeIp(), address: world.address(rng, market) }));
  const order = members.map((_, i) => i);
  const domains = rng.chance(0.3) ? disposable(rng) : FRAUD_MAIL_DOMAINS;
  const times = burst(rng, bounds, moment(rng, bounds, FRAUD_HOUR_TABLE, 5 * DAY_MS), rng.int(Math.max(6, members.length), 12), () => rng.between(20 * MINUTE_MS, 20 * HOUR_MS));
  return {
    times,
    build(step) {
      const member = members[order[step % members.length]!]!;
      const id = victim(world, rng, market, domains);
      return {
        order: orderOf(market, {
          email: id.email,
          phone: rng.pick(phones),
          customer: { name: id.name },
          billing: addressOf(id.name, id.billing),
          shipping: addressOf(id.name, rng.chance(0.7) ? member.address : id.billing),
          items: resaleBasket(rng, market, "mid"),
          payment: { method: "card", ...id.card },
        }),
        ip: member.ip,
        device: member.device,
        signals: humanSignals(rng, member.device, { fill: "typed", paste: rng.chance(0.5) ? ["email", "name"] : [], medianSeconds: 45 }),
        label: "fraud",
      };
    },
  };
}

/** One fraudster, one order every two to six days, keeping one identifier (their phone or their address) and changing the rest. */
function slowFraud({ world, rng, bounds }: Ctx): Plan {
  const market = SE;
  const keeps = rng.chance(0.5) ? "phone" : "address";
  const phone = world.phone(market);
  const address = world.address(rng, market);
  const ownDevice = rng.chance(0.5) ? world.device(rng, market) : undefined;
  const count = rng.int(4, 8);
  const times = daily(rng, bounds, moment(rng, bounds, FRAUD_HOUR_TABLE, (count - 1) * 4 * DAY_MS), () => rng.between(2, 6) * DAY_MS, FRAUD_HOUR_TABLE, count);
  return {
    times,
    build() {
      const id = victim(world, rng, market);
      const device = ownDevice ?? world.device(rng, market);
      return {
        order: orderOf(market, {
          email: id.email,
          phone: keeps === "phone" ? phone : id.phone,
          customer: { name: id.name },
          billing: addressOf(id.name, id.billing),
          shipping: addressOf(id.name, keeps === "address" ? address : world.address(rng, market)),
          items: rng.chance(0.5) ? resaleBasket(rng, market, "mid") : consumerBasket(rng, market),
          payment: { method: "card", ...id.card },
        }),
        ip: world.homeIp(),
        device,
        signals: humanSignals(rng, device, { fill: "typed" }),
        label: "fraud",
      };
    },
  };
}

/** A machine-made e-mail local part: what account farms and card-testing scripts use. */
const generatedLocal = (rng: Random) => Array.from({ length: rng.int(9, 14) }, (_, i) => (i % 2 === 0 ? "bcdfghjklmnpqrstvwxz"[rng.int(0, 19)] : String(rng.int(0, 9)))).join("");

/** Many tiny orders from one device and address in a few minutes, each with another card of one BIN: checking which stolen cards work. */
function cardTesting({ world, rng, bounds }: Ctx): Plan {
  const market = rng.chance(0.8) ? SE : FI;
  const style = rng.weighted([["webdriver", 35], ["stealth", 35], ["none", 30]] as const);
  const device = world.device(rng, rng.chance(0.5) ? market : undefined, "desktop");
  const ip = hostingIp(rng);
  const bin = rng.pick(TESTER_BINS);
  const domain = rng.chance(0.5) ? rng.pick(DISPOSABLE_DOMAINS) : rng.pick(["gmail.com", "outlook.com"]);
  const sharedEmail = rng.chance(0.6) ? world.email(rng, "x", "x", [[domain, 1]], generatedLocal(rng)) : undefined;
  const times = burst(rng, bounds, moment(rng, bounds, FRAUD_HOUR_TABLE, HOUR_MS), rng.int(10, 25), () => rng.between(20_000, 150_000));
  let card: Card = { cardBin: bin, cardLast4: rng.digits(4) };
  return {
    times,
    build() {
      if (rng.chance(0.8)) card = { cardBin: bin, cardLast4: rng.digits(4) };
      const name = `${rng.pick(market.first)} ${rng.pick(market.last)}`;
      const probe = rng.pick(PROBES);
      const item = probe.sku === "DONATE" ? { ...line(probe, 1, market), unitPrice: rng.int(1, 5) * price(probe, market) } : line(probe, 1, market);
      return {
        order: orderOf(market, {
          email: sharedEmail ?? world.email(rng, "x", "x", [[domain, 1]], generatedLocal(rng)),
          billing: addressOf(name, world.address(rng, market)),
          items: [item],
          payment: { method: "card", ...card },
        }),
        ip,
        ...(style === "none" ? {} : { device, signals: botSignals(rng, device, style) }),
        label: "fraud",
      };
    },
  };
}

const FACTORIES: Record<Pattern, (ctx: Ctx) => Plan> = {
  repeat_buyer: repeatBuyer,
  new_buyer: newBuyer,
  household,
  typo_variants: typoVariants,
  mobile_nat: mobileNat,
  b2b,
  device_cycling: deviceCycling,
  drop_address: dropAddress,
  fresh_account: freshAccount,
  phone_ring: phoneRing,
  slow_fraud: slowFraud,
  card_testing: cardTesting,
};

// ---------------------------------------------------------------- the generator

interface Planned {
  pattern: Pattern;
  name: string;
  plan: Plan | undefined;
}

/**
 * Plans episodes until they hold `budget` attempts, choosing each time the pattern furthest below its
 * share (so every pattern appears early and the mix holds at any size); the last episode is cut to fit.
 */
function planEpisodes<P extends Pattern>(world: World, seed: number, bounds: Bounds, budget: number, mix: Record<P, number>, episodes: Planned[], counters: Map<Pattern, number>): void {
  const patterns = Object.keys(mix) as P[];
  const planned = new Map<P, number>(patterns.map((pattern) => [pattern, 0]));
  let total = 0;
  while (total < budget) {
    let pattern = patterns[0]!;
    let deficit = -Infinity;
    for (const candidate of patterns) {
      const own = mix[candidate] * (total + 1) - planned.get(candidate)!;
      if (own > deficit) [pattern, deficit] = [candidate, own];
    }
    const n = counters.get(pattern) ?? 0;
    counters.set(pattern, n + 1);
    const plan = FACTORIES[pattern]({ world, rng: new Random(seed, episodes.length + 1), bounds });
    plan.times = plan.times.slice(0, budget - total);
    total += plan.times.length;
    planned.set(pattern, planned.get(pattern)! + plan.times.length);
    episodes.push({ pattern, name: `${pattern}#${n + 1}`, plan });
  }
}

/** Checks the options; a problem is a RangeError naming the option. */
export function checkGenerateOptions(options: GenerateOptions): Required<GenerateOptions> {
  const { seed, orders, startMs = DEFAULT_START_MS, days = DEFAULT_DAYS } = options;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed: ${seed} is not a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
  if (!Number.isInteger(orders) || orders < 0 || orders > MAX_ORDERS) throw new RangeError(`orders: ${orders} is not a whole number from 0 to ${MAX_ORDERS}`);
  if (!Number.isFinite(startMs) || Math.abs(startMs) > 8.64e15 - MAX_DAYS * DAY_MS) throw new RangeError(`startMs: ${startMs} is not a time`);
  if (!Number.isFinite(days) || days <= 0 || days > MAX_DAYS) throw new RangeError(`days: ${days} is not a number of days above 0 and at most ${MAX_DAYS}`);
  return { seed, orders, startMs, days };
}

/**
 * Yields exactly `orders` attempts in time order, the same ones for the same options. About
 * FRAUD_SHARE of them are fraud (labelled `fraud`); genuine attempts are labelled `legit`, or
 * left unlabelled (null) one time in eight. Order ids count up in time order.
 */
export function* generateAttempts(options: GenerateOptions): Generator<GeneratedAttempt, void, undefined> {
  const { seed, orders, startMs, days } = checkGenerateOptions(options);
  const bounds: Bounds = { startMs, endMs: startMs + Math.max(1, Math.round(days * DAY_MS)) };
  const fraudBudget = Math.round(orders * FRAUD_SHARE);
  const genuineBudget = orders - fraudBudget;
  // Carriers' NAT addresses grow with the traffic: about one checkout every two to three hours per address.
  const natIpCount = Math.min(20_000, Math.max(8, Math.ceil((0.25 * genuineBudget) / ((bounds.endMs - bounds.startMs) / HOUR_MS) / 0.5)));
  const world = new World(seed, natIpCount);
  const episodes: Planned[] = [];
  const counters = new Map<Pattern, number>();
  planEpisodes(world, seed, bounds, genuineBudget, GENUINE_MIX, episodes, counters);
  planEpisodes(world, seed, bounds, fraudBudget, FRAUD_MIX, episodes, counters);

  const events: { tsMs: number; episode: number; step: number }[] = [];
  episodes.forEach((planned, episode) => planned.plan!.times.forEach((tsMs, step) => events.push({ tsMs, episode, step })));
  events.sort((a, b) => a.tsMs - b.tsMs || a.episode - b.episode || a.step - b.step);

  let sequence = 0;
  for (const { tsMs, episode, step } of events) {
    const planned = episodes[episode]!;
    const plan = planned.plan!;
    const draft = plan.build(step, tsMs);
    if (step === plan.times.length - 1) planned.plan = undefined;
    const attempt: AttemptLine = {
      ts: iso(tsMs),
      order: { id: `ord_${100_001 + sequence++}`, ...draft.order },
      ip: draft.ip,
      ...(draft.device && draft.signals ? { device: { id: draft.device.id }, signals: draft.signals } : {}),
      label: draft.label,
    };
    yield { attempt, pattern: planned.pattern, episode: planned.name };
  }
}
