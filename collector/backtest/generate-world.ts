/**
 * The traffic generator's (generate.ts) building blocks: a seeded random generator, a World that hands
 * out identities that never collide by accident (people, addresses, phones, cards, networks, devices),
 * baskets, and the browser signals a person or a script leaves at the checkout.
 */
import type { EnvironmentSignals, FieldRole, FieldSignals } from "../../sdk/protocol.js";
import type { Order } from "../assess/request.js";
import { normaliseAddress, normaliseEmail } from "../identity/normalise.js";
import { BIG_RESALE, BUSINESS_BLOCKS, CARD_BINS, CHEAP, CONSUMER, DESKTOP_AGENTS, FI, FOREIGN_LOCALES, FOREIGN_MOBILE_PREFIXES, ISP_BLOCKS, MARKETS, MID_RESALE, MOBILE_AGENTS, SE, TRAVEL_ZONES, USER_AGENTS, type Market, type Product, type UserAgent } from "./generate-data.js";

// ---------------------------------------------------------------- random numbers

/** sfc32 (Small Fast Counting, 128-bit state), seeded through splitmix32 from a seed and a stream number. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4_294_967_296) >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77);
    const split = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** Exponentially distributed with this mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal around `median`; `sigma` is the spread of its logarithm. */
  logNormal(median: number, sigma: number): number {
    const normal = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(sigma * normal);
  }

  hex(length: number): string {
    let out = "";
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  digits(length: number): string {
    let out = "";
    while (out.length < length) out += Math.floor(this.next() * 10).toString();
    return out;
  }
}

// ---------------------------------------------------------------- people, places, networks, devices

export interface Device {
  id: string;
  agent: UserAgent;
  screen: readonly [number, number, number];
  timezone: string;
  languages: readonly string[];
}

export interface Address {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface Card {
  cardBin: string;
  cardLast4: string;
}

export interface Person {
  market: Market;
  first: string;
  last: string;
  email: string;
  phone: string;
  address: Address;
  homeIp: string;
  carrier: number;
  card: Card;
  /** How this shopper usually pays. */
  method: string;
  customer?: { id: string; createdAtMs: number };
  devices: Device[];
}

/** Shared state of one generation: counters that keep identifiers unique, the mobile carriers' NAT addresses. */
export class World {
  private readonly emails = new Set<string>();
  private readonly addresses = new Set<string>();
  private readonly phoneCounters = new Map<string, number>();
  private cardCounter = 0;
  private homeIpCounter = 0;
  private customerCounter = 0;
  private orgCounter = 0;
  private readonly natIps: Map<Market, string[][]>;
  /** The seed folded small, so that offsets computed from it stay exact integers. */
  private readonly salt: number;

  constructor(seed: number, natIpCount: number) {
    this.salt = seed % 1_000_003;
    const salt = this.salt;
    this.natIps = new Map(
      MARKETS.map((market) => {
        const count = Math.max(2 * market.carriers.length, Math.round(natIpCount * market.weight));
        const byCarrier: string[][] = market.carriers.map(() => []);
        for (let i = 0; i < count; i++) {
          const carrier = i % market.carriers.length;
          const nets = market.carriers[carrier]!;
          const net = nets[Math.floor(i / market.carriers.length) % nets.length]!;
          byCarrier[carrier]!.push(`${net}.${1 + ((i * 53 + salt) % 254)}`);
        }
        return [market, byCarrier];
      }),
    );
  }

  market(rng: Random): Market {
    return rng.weighted(MARKETS.map((m) => [m, m.weight] as const));
  }

  /** A new shopper with an address, e-mail, phone, card, home network and one or two devices. */
  person(rng: Random, options: { market?: Market; last?: string; address?: Address; homeIp?: string; createdAtMs?: number } = {}): Person {
    const market = options.market ?? this.market(rng);
    const first = rng.pick(market.first);
    const last = options.last ?? rng.pick(market.last);
    const devices = [this.device(rng, market, rng.chance(0.5) ? "mobile" : "desktop")];
    if (rng.chance(0.45)) devices.push(this.device(rng, market, devices[0]!.agent.kind === "mobile" ? "desktop" : "mobile"));
    const person: Person = {
      market,
      first,
      last,
      email: this.email(rng, first, last, market.mailDomains),
      phone: this.phone(market),
      address: options.address ?? this.address(rng, market),
      homeIp: options.homeIp ?? this.homeIp(),
      carrier: rng.int(0, market.carriers.length - 1),
      card: this.card(),
      method: rng.weighted([["card", 70], [market.localPayments[0]!, 18], [market.localPayments[1]!, 12]]),
      devices,
    };
    if (options.createdAtMs !== undefined) person.customer = { id: this.customerId(), createdAtMs: options.createdAtMs };
    return person;
  }

  customerId(): string {
    return `c_${104_729 + 7_919 * this.customerCounter++}`;
  }

  /** A new mailbox: `local` if given and free, otherwise one made of the name the way people make them. */
  email(rng: Random, first: string, last: string, domains: readonly (readonly [string, number])[], local?: string): string {
    const f = ascii(first);
    const l = ascii(last);
    for (let attempt = 0; ; attempt++) {
      const year = rng.int(1950, 2006);
      const initial = "abcdefghijklmnoprstuvy"[rng.int(0, 21)]!;
      const base =
        attempt > 40 ? `${f}.${initial}.${l}${rng.int(1, 99)}` :
        local !== undefined && attempt < 3 ? local :
        rng.weighted<string>([
          [`${f}.${l}`, 30],
          [`${f}${l}`, 10],
          [`${f}.${l}${String(year).slice(2)}`, 15],
          [`${f}_${l}`, 5],
          [`${f[0]}.${l}`, 10],
          [`${l}.${f}`, 5],
          [`${f}${year}`, 10],
          [`${f}.${l}${rng.int(1, 99)}`, 15],
        ]);
      const email = `${base}@${rng.weighted(domains)}`;
      const key = normaliseEmail(email)!;
      if (!this.emails.has(key)) {
        this.emails.add(key);
        return email;
      }
    }
  }

  /** A valid mobile number of the market: every prefix and subscriber number is used once before any repeats. */
  phone(market: Market, prefixes = market.mobilePrefixes, subscriberDigits = market.subscriberDigits): string {
    const key = prefixes[0]!;
    const k = this.phoneCounters.get(key) ?? 0;
    this.phoneCounters.set(key, k + 1);
    const space = 10 ** subscriberDigits;
    const subscriber = (Math.floor(k / prefixes.length) * 7_654_321 + this.salt * 1_009 + 1_234_567) % space;
    return `${prefixes[k % prefixes.length]}${String(subscriber).padStart(subscriberDigits, "0")}`;
  }

  foreignPhone(rng: Random): string {
    const prefix = rng.pick(FOREIGN_MOBILE_PREFIXES);
    const digits = prefix === "+3706" ? 7 : 6;
    return this.phone(SE, [prefix], digits);
  }

  /** A card no one else in this generation has (until 240,000 cards). */
  card(): Card {
    const k = this.cardCounter++;
    const last4 = (Math.floor(k / CARD_BINS.length) * 7_919 + this.salt * 31 + 4_242) % 10_000;
    return { cardBin: CARD_BINS[k % CARD_BINS.length]!, cardLast4: String(last4).padStart(4, "0") };
  }

  /** A fixed broadband address; distinct until about a million. */
  homeIp(): string {
    const k = this.homeIpCounter++;
    const host = (Math.floor(k / ISP_BLOCKS.length) * 40_503 + this.salt * 17 + 1_000) % (254 * 254);
    return `${ISP_BLOCKS[k % ISP_BLOCKS.length]}.${Math.floor(host / 254)}.${1 + (host % 254)}`;
  }

  businessIp(): string {
    const k = this.homeIpCounter++;
    const host = (k * 40_503 + this.salt * 13) % (254 * 254);
    return `${BUSINESS_BLOCKS[k % BUSINESS_BLOCKS.length]}.${Math.floor(host / 254)}.${1 + (host % 254)}`;
  }

  natIp(rng: Random, person: Pick<Person, "market" | "carrier">): string {
    return rng.pick(this.natIps.get(person.market)![person.carrier]!);
  }

  /** A delivery address no one else in this generation has. */
  address(rng: Random, market: Market): Address {
    for (;;) {
      const city = rng.weighted(market.cities.map((c) => [c, c.weight] as const));
      const apartment = market.apartment(rng);
      const prefix = rng.pick(city.postal);
      const digits = prefix + rng.digits(market.postalDigits - prefix.length);
      const address: Address = {
        line1: `${rng.pick(market.streetHeads)}${rng.pick(market.streetTails)} ${rng.int(1, 140)}${apartment.line1Suffix ?? ""}`,
        ...(apartment.line2 === undefined ? {} : { line2: apartment.line2 }),
        postalCode: market === SE ? `${digits.slice(0, 3)} ${digits.slice(3)}` : digits,
        city: city.name,
        country: market.country,
      };
      const key = normaliseAddress(address)!;
      if (!this.addresses.has(key)) {
        this.addresses.add(key);
        return address;
      }
    }
  }

  orgNumber(market: Market): string {
    const k = this.orgCounter++;
    if (market === FI) return `${String(2_000_000 + ((k * 7_919 + this.salt) % 7_000_000)).padStart(7, "0")}-${k % 10}`;
    const digits = String(5_560_000_000 + ((k * 104_729 + this.salt) % 99_999_999));
    return `${digits.slice(0, 6)}-${digits.slice(6)}`;
  }

  /** A browser set up in the market (one in fifty is a traveller's or an expat's, set up elsewhere), or with no market, abroad. */
  device(rng: Random, market: Market | undefined, kind?: "desktop" | "mobile"): Device {
    const agents = kind === "mobile" ? MOBILE_AGENTS : kind === "desktop" ? DESKTOP_AGENTS : USER_AGENTS;
    const agent = rng.weighted(agents.map((a) => [a, a.weight] as const));
    const [timezone, languages] = market ? [rng.chance(0.02) ? rng.pick(TRAVEL_ZONES) : market.timezone, rng.pick(market.languages)] : rng.pick(FOREIGN_LOCALES);
    return { id: rng.hex(32), agent, screen: rng.pick(agent.screens), timezone, languages };
  }
}

/** ASCII for e-mail local parts: "Åsa Öberg" → "asa", "oberg"; "Bjørn" → "bjorn". */
export function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/ø/g, "o")
    .replace(/æ/g, "ae")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^a-z]/g, "");
}

export const fullName = (person: Pick<Person, "first" | "last">) => `${person.first} ${person.last}`;

// ---------------------------------------------------------------- baskets

/** A price as a shop in that currency would show it: EUR x.90, NOK and DKK whole crowns. */
export function price(product: Product, market: Market): number {
  if (market.rate === 1) return product.sek;
  const major = (product.sek / 100) * market.rate;
  return market.currency === "EUR" ? Math.max(1, Math.round(major)) * 100 - 10 : Math.max(1, Math.round(major)) * 100;
}

export type Item = NonNullable<Order["items"]>[number];

export function line(product: Product, quantity: number, market: Market): Item {
  return { sku: product.sku, name: product.name, category: product.category, quantity, unitPrice: price(product, market) };
}

/** Adds up lines of the same product. */
export function merge(items: Item[]): Item[] {
  const bySku = new Map<string, Item>();
  for (const item of items) {
    const seen = bySku.get(item.sku!);
    if (seen) seen.quantity += item.quantity;
    else bySku.set(item.sku!, { ...item });
  }
  return [...bySku.values()];
}

/** A shopper's basket: one to four things, now and then two of one. A small one (a first order) is one or two cheap things. */
export function consumerBasket(rng: Random, market: Market, isSmall = false): Item[] {
  if (isSmall) return merge(Array.from({ length: rng.weighted([[1, 70], [2, 30]]) }, () => line(rng.weighted(CHEAP), 1, market)));
  const count = rng.weighted([[1, 48], [2, 30], [3, 15], [4, 7]]);
  return merge(Array.from({ length: count }, () => line(rng.weighted(CONSUMER), rng.chance(0.1) ? 2 : 1, market)));
}

/** What fraud buys: `mid`, one or two resellable things; `big`, several units of expensive electronics (10,000 SEK and more). */
export function resaleBasket(rng: Random, market: Market, size: "mid" | "big"): Item[] {
  if (size === "mid") return [line(rng.weighted(MID_RESALE), rng.weighted([[1, 80], [2, 20]]), market)];
  const count = rng.weighted([[1, 50], [2, 35], [3, 15]]);
  return merge(Array.from({ length: count }, () => line(rng.weighted(BIG_RESALE), rng.int(2, 5), market)));
}

// ---------------------------------------------------------------- browser signals

export const referrer = (rng: Random) =>
  rng.weighted([["", 40], ["https://www.google.com", 30], ["https://www.prisjakt.nu", 8], ["https://l.instagram.com", 7], ["https://www.facebook.com", 5], ["https://mail.google.com", 10]]);

export const round = (value: number, decimals = 0) => Number(value.toFixed(decimals));

/** A field as a shopper fills it: typing, the browser's autofill, or a paste. */
export function humanField(rng: Random, role: FieldRole, how: "typed" | "autofill-first" | "autofill" | "pasted", device: Device): FieldSignals {
  const isTouch = device.agent.kind === "mobile";
  const field: FieldSignals = { role, keys: 0, typed: 0, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, corrections: 0, focuses: 0, tabFocuses: 0, pointerFocuses: 0, focusMs: 0 };
  const byTab = !isTouch && rng.chance(0.5);
  const focus = () => {
    field.focuses += 1;
    if (byTab) field.tabFocuses += 1;
    else field.pointerFocuses += 1;
  };
  if (how === "typed") {
    const length = { email: rng.int(14, 28), phone: rng.int(10, 13), name: rng.int(4, 10), address: rng.int(5, 18), card: rng.int(4, 19) }[role];
    field.corrections = rng.chance(0.3) ? rng.int(1, 3) : 0;
    field.typed = length + field.corrections;
    field.keys = field.typed + field.corrections + (byTab ? 1 : 0);
    focus();
    if (rng.chance(0.15)) focus();
    field.focusMs = Math.round(field.typed * rng.between(140, 330) + rng.between(300, 1500));
  } else if (how === "autofill-first") {
    field.typed = rng.int(1, 3);
    field.keys = field.typed;
    field.autofilled = 1;
    focus();
    field.focusMs = Math.round(rng.between(1200, 4000));
  } else if (how === "autofill") {
    field.autofilled = 1;
  } else {
    field.pasted = 1;
    field.keys = isTouch ? 0 : 2;
    field.focuses = 1;
    field.pointerFocuses = 1;
    field.focusMs = Math.round(rng.between(700, 2500));
  }
  return field;
}

export const FORM: readonly FieldRole[] = ["email", "phone", "name", "name", "address", "address", "address"];

export interface HumanVisit {
  /** typed: a new shopper; autofill: the browser fills the form; prefilled: a logged-in shopper's saved details. */
  fill: "typed" | "autofill" | "prefilled";
  /** Roles pasted rather than filled (a fraudster's copied identity). */
  paste?: readonly FieldRole[];
  /** Median seconds to submit, when not the fill's own. */
  medianSeconds?: number;
}

/** What the script reports for a person at the checkout. */
export function humanSignals(rng: Random, device: Device, visit: HumanVisit): EnvironmentSignals {
  const paste = new Set(visit.paste ?? []);
  const roles = visit.fill === "prefilled" ? FORM.filter((role) => paste.has(role)) : FORM;
  const fields = roles.map((role, i) => {
    if (paste.has(role)) return humanField(rng, role, "pasted", device);
    if (visit.fill === "autofill") return humanField(rng, role, i === 0 ? "autofill-first" : "autofill", device);
    return humanField(rng, role, "typed", device);
  });
  const isTouch = device.agent.kind === "mobile";
  const median = visit.medianSeconds ?? { typed: 75, autofill: 22, prefilled: 14 }[visit.fill];
  const submitMs = Math.round(Math.max(3_200, rng.logNormal(median * 1000, 0.5)));
  const pointerFocuses = fields.reduce((sum, f) => sum + f.pointerFocuses, 0);
  const clicks = isTouch ? 0 : rng.int(3, 12) + pointerFocuses;
  const taps = isTouch ? rng.int(4, 14) + pointerFocuses : 0;
  const moves = isTouch ? 0 : clicks * rng.int(12, 60);
  const hides = rng.chance(visit.fill === "typed" ? 0.25 : 0.1) ? rng.int(1, 2) : 0;
  const [width, height, pixelRatio] = device.screen;
  return {
    visitorId: device.id,
    visitorConfidence: round(isTouch ? rng.between(0.4, 0.7) : rng.between(0.6, 1), 2),
    fingerprintMs: rng.int(40, 380),
    webdriver: false,
    userAgent: device.agent.userAgent,
    platform: device.agent.platform,
    timezone: device.timezone,
    languages: [...device.languages],
    screen: { width, height, pixelRatio, colorDepth: device.agent.colorDepth },
    automation: { traces: [] },
    ...(fields.length > 0 ? { fields } : {}),
    pointer: {
      moves,
      distancePx: round(moves * rng.between(6, 22)),
      clicks,
      stillClicks: clicks > 0 && rng.chance(0.15) ? 1 : 0,
      taps,
      approachMoves: clicks > 0 ? round(moves / clicks, 1) : 0,
      straightness: clicks > 0 ? round(rng.between(0.55, 0.92), 2) : 0,
      speedPxPerS: clicks > 0 ? round(rng.between(300, 1400)) : 0,
    },
    page: {
      onPageMs: submitMs + rng.int(30, 600),
      hides,
      hiddenMs: hides > 0 ? Math.round(submitMs * rng.between(0.05, 0.3)) : 0,
      firstInputMs: Math.round(400 + submitMs * rng.between(0.05, 0.3)),
      submitMs,
      submits: 1,
      keys: fields.reduce((sum, f) => sum + f.keys, 0) + rng.int(0, 6),
      presses: clicks + taps,
      untrusted: 0,
      referrer: referrer(rng),
    },
  };
}

/**
 * A scripted checkout. `webdriver`: a plain automation framework, which says so and presses nothing;
 * `stealth`: a tool that hides webdriver and clicks each field (trusted clicks, no movement) but types nothing.
 */
export function botSignals(rng: Random, device: Device, style: "webdriver" | "stealth"): EnvironmentSignals {
  const isStealth = style === "stealth";
  const roles: FieldRole[] = ["email", "name", "card", "card", "card"];
  const fields = roles.map<FieldSignals>((role) => ({
    role, keys: 0, typed: 0, pasted: 0, autofilled: 0, injected: 1, untrusted: 0, corrections: 0,
    focuses: 1, tabFocuses: 0, pointerFocuses: isStealth ? 1 : 0, focusMs: rng.int(5, 80),
  }));
  const clicks = isStealth ? fields.length + 1 : 0;
  const submitMs = isStealth ? rng.int(1_800, 6_000) : rng.int(300, 1_400);
  const isHeadless = !isStealth && rng.chance(0.5);
  const [width, height, pixelRatio] = device.screen;
  return {
    visitorId: device.id,
    visitorConfidence: round(rng.between(0.3, 0.9), 2),
    fingerprintMs: rng.int(20, 120),
    webdriver: !isStealth,
    userAgent: isHeadless ? device.agent.userAgent.replace("Chrome/", "HeadlessChrome/") : device.agent.userAgent,
    platform: isStealth ? device.agent.platform : "Linux x86_64",
    timezone: device.timezone,
    languages: isStealth || rng.chance(0.5) ? [...device.languages] : [],
    screen: { width, height, pixelRatio, colorDepth: 24 },
    automation: { traces: isStealth ? [] : rng.chance(0.5) ? ["framework"] : ["uaPlatform"] },
    fields,
    pointer: { moves: 0, distancePx: 0, clicks, stillClicks: clicks, taps: 0, approachMoves: 0, straightness: 0, speedPxPerS: 0 },
    page: { onPageMs: submitMs + rng.int(5, 60), hides: 0, hiddenMs: 0, ...(isStealth ? { firstInputMs: rng.int(300, 900) } : {}), submitMs, submits: 1, keys: 0, presses: clicks, untrusted: isStealth ? 0 : rng.int(0, 8), referrer: "" },
  };
}
