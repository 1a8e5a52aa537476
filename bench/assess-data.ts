import type { AssessRequest, Order } from "../collector/assess/request.js";

/**
 * Synthetic checkout traffic for the assess benchmark: a population of shoppers whose identifiers
 * repeat the way real ones do, plus a few fraud rings that repeat the same device, address and
 * network many times. Every value is a pure function of an index and a seed, so the filler, the
 * load generator (in a worker) and the history count all see the same orders without sharing state.
 */

/** Returning shoppers; the e-mail is per shopper, the rarer identifiers are shared between them. */
export const POOLS = {
  shoppers: 300_000,
  phones: 250_000,
  names: 250_000,
  addresses: 200_000,
  devices: 400_000,
  cards: 200_000,
  /** /24 networks: households' fixed lines first, then mobile carriers' shared (CGNAT) networks. */
  homeNets: 80_000,
  mobileNets: 20_000,
  rings: 10,
} as const;

/** How often an identifier kind repeats. A shopper is drawn as `floor(n · u^SHOPPER_SKEW)`: a long tail of one-off buyers and a head of regulars. */
const SHOPPER_SKEW = 1.3;
/** Mobile networks are far more concentrated: the busiest carrier /24s carry thousands of checkouts a month. */
const MOBILE_NET_SKEW = 2;
/** Share of attempts that come from a fraud ring (same few devices, addresses and networks, rotating e-mails and cards). */
const RING_SHARE = 0.01;

const DAY_MS = 86_400_000;

/** One attempt as the filler records it (device and time included) or the load generator sends it. */
export interface SyntheticAttempt {
  request: AssessRequest & { ip: string };
  /** The device (visitor id) the token's session would carry; the HTTP load sends no token, so only prior attempts have one. */
  deviceId?: string;
  /** Whether the attempt carried a token (prior attempts only). */
  hasToken: boolean;
  kind: "returning" | "new" | "ring";
}

/** splitmix32: a small, fast, seedable generator; one per attempt, seeded by its index. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Emma", "Nils", "Lena", "Karl", "Ida", "Mikael",
  "Sofia", "Jonas", "Elin", "Fredrik", "Maja", "Oskar", "Linnea", "Gustav", "Hanna", "Axel", "Ebba", "Viktor", "Julia", "Magnus", "Klara", "Henrik",
  "Astrid", "Olof", "Frida", "Mats", "Alva", "Daniel", "Moa", "Peter", "Agnes", "Stefan", "Wilma", "Martin", "Tove", "Jakob", "Saga", "Leo",
  "Elsa", "Hugo", "Alice", "Liam", "Selma", "Noah", "Vera", "Ali", "Fatima", "Mohammed", "Yasmin", "Omar", "Amira", "Ahmed", "Leila", "Jan",
  "Birgitta", "Åsa", "Göran", "Ingrid", "Björn", "Märta", "Sven", "Gunilla", "Tor", "Stina", "Ulf", "Lova", "Rasmus", "Ronja", "Emil", "Nora"];
const LAST_HEAD = ["Berg", "Lind", "Sand", "Ek", "Holm", "Nord", "Sjö", "Ström", "Åker", "Björk", "Dahl", "Fors", "Gran", "Hag", "Lund",
  "Malm", "Ny", "Rosen", "Sten", "Wall", "Al", "Ask", "Bäck", "Ceder", "Eng", "Fager", "Hed", "Kull", "Lönn", "Mo"];
const LAST_TAIL = ["berg", "gren", "ström", "lund", "qvist", "man", "dahl", "holm", "sson", "blad", "kvist", "ling", "ander", "stedt", "bäck", "hed", "vall", "by", "fors", "mark"];
const STREET_HEAD = ["Stor", "Kungs", "Drottning", "Skol", "Kyrk", "Ström", "Hamn", "Park", "Björk", "Ek", "Lind", "Tall", "Gran", "Sjö", "Berg",
  "Ängs", "Åker", "Mölle", "Smedje", "Torg", "Väster", "Öster", "Norr", "Söder", "Slotts", "Bro", "Kvarn", "Skogs", "Bäck", "Rosen"];
const STREET_TAIL = ["gatan", "vägen", "stigen", "gränd", "allén", "backen", "torget"];
const CITIES = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Linköping", "Helsingborg", "Jönköping", "Norrköping", "Lund", "Umeå", "Gävle", "Borås", "Södertälje", "Eskilstuna"];
const MAIL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "hotmail.com", "outlook.com", "yahoo.se", "telia.com", "icloud.com", "live.se", "bredband.net", "restaurang-nord.se", "foretaget.se"];
const RING_DOMAINS = ["mailinator.com", "gmail.com", "proton.me", "outlook.com"];
const BINS = ["457173", "416631", "535456", "492500", "552000", "454742", "475129", "539123", "422596", "518652",
  "476173", "402360", "529930", "413585", "557300", "489504", "434994", "521729", "448412", "540287"];
const SEGMENTS = ["restaurant", "cafe", "retail", "office", "hotel", "consumer", "consumer", "consumer"];
const CATALOGUE = [
  { sku: "IP15", name: "iPhone 15", category: "electronics", unitPrice: 1_299_900 },
  { sku: "AIRP", name: "AirPods Pro", category: "electronics", unitPrice: 279_900 },
  { sku: "GC500", name: "Gift card 500 kr", category: "gift_cards", unitPrice: 50_000 },
  { sku: "COF1K", name: "Coffee beans 1 kg", category: "groceries", unitPrice: 24_900 },
  { sku: "NAPK", name: "Napkins 500-pack", category: "supplies", unitPrice: 8_900 },
  { sku: "OIL5L", name: "Rapeseed oil 5 l", category: "groceries", unitPrice: 19_900 },
  { sku: "PAN28", name: "Frying pan 28 cm", category: "kitchen", unitPrice: 89_900 },
  { sku: "TSHRT", name: "T-shirt", category: "clothing", unitPrice: 19_900 },
  { sku: "SNKR", name: "Running shoes", category: "clothing", unitPrice: 129_900 },
  { sku: "BOOK", name: "Cookbook", category: "books", unitPrice: 34_900 },
];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
/** A bijection on [0, n) for n not divisible by the prime 7919: spreads consecutive indices. */
const spread = (i: number, n: number) => Number((BigInt(i) * 7919n) % BigInt(n));
const ascii = (text: string) => text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();

function fullName(i: number): string {
  const first = pick(FIRST, i);
  const j = Math.floor(i / FIRST.length);
  const last = pick(LAST_HEAD, j) + pick(LAST_TAIL, Math.floor(j / LAST_HEAD.length));
  const initial = Math.floor(j / (LAST_HEAD.length * LAST_TAIL.length)) % 6;
  return initial === 0 ? `${first} ${last}` : `${first} ${"ABEJKM"[initial - 1]} ${last}`;
}

function email(shopper: number): string {
  const name = fullName(shopper % POOLS.names);
  const [first, ...rest] = ascii(name).split(" ");
  return `${first}.${rest[rest.length - 1]}${shopper}@${pick(MAIL_DOMAINS, shopper * 7)}`;
}

const phone = (i: number) => `+4670${String(1_000_000 + spread(i, 9_000_000)).padStart(7, "0")}`;

function address(i: number, name: string): NonNullable<Order["shipping"]> {
  const street = pick(STREET_HEAD, i) + pick(STREET_TAIL, Math.floor(i / STREET_HEAD.length));
  const postal = String(10_000 + spread(i, 89_999)).padStart(5, "0");
  return {
    name,
    line1: `${street} ${1 + (Math.floor(i / 210) % 120)}`,
    ...(i % 5 === 0 ? { line2: `lgh ${1001 + (i % 300)}` } : {}),
    postalCode: `${postal.slice(0, 3)} ${postal.slice(3)}`,
    city: pick(CITIES, Math.floor(i / 7)),
    country: "SE",
  };
}

const orgNumber = (i: number) => {
  const digits = String(5_560_000_000 + spread(i, 9_999_991));
  return `${digits.slice(0, 6)}-${digits.slice(6)}`;
};
const netPrefix = (net: number) => `${81 + (net >> 16)}.${(net >> 8) & 255}.${net & 255}`;
const device = (i: number) => `fp_${spread(i, 9_999_991).toString(36).padStart(5, "0")}${(i % 1296).toString(36)}`;
const card = (i: number) => ({ method: "card", cardBin: pick(BINS, i), cardLast4: String(spread(Math.floor(i / BINS.length), 9_973)).padStart(4, "0") });
const randomText = (next: () => number, length: number) => Array.from({ length }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(next() * 36)]).join("");

function items(next: () => number, segment: string, isRing: boolean): NonNullable<Order["items"]> {
  if (isRing) return [{ ...pick(CATALOGUE, Math.floor(next() * 3)), quantity: 1 + Math.floor(next() * 3) }];
  const count = 1 + Math.floor(next() * next() * 4);
  const bulk = segment === "consumer" ? 1 : 1 + Math.floor(next() * 12);
  return Array.from({ length: count }, () => ({ ...pick(CATALOGUE, 3 + Math.floor(next() * 7)), quantity: 1 + Math.floor(next() * bulk) }));
}

/** The shopper a returning attempt belongs to: a few regulars order often, most shoppers once or twice a month. */
function drawShopper(next: () => number): number {
  return Math.floor(POOLS.shoppers * next() ** SHOPPER_SKEW);
}

/**
 * Attempt `index` of a stream: `returningShare` of attempts come from the shopper population, RING_SHARE
 * from fraud rings, the rest from first-time shoppers (new e-mail, phone, address; a name and a network
 * that may well have been seen). `seed` separates the prior history from the benchmark's own orders.
 */
export function syntheticAttempt(index: number, seed: number, returningShare: number): SyntheticAttempt {
  const next = random(Math.imul(index, 0x2c1b3c6d) ^ seed);
  const roll = next();
  const kind = roll < RING_SHARE ? "ring" : roll < RING_SHARE + returningShare ? "returning" : "new";
  const orderId = `ord_${seed.toString(36)}_${index}`;
  if (kind === "ring") return ringAttempt(next, orderId);

  const shopper = kind === "returning" ? drawShopper(next) : POOLS.shoppers + spread(index, 1_000_003) + (seed % 1000) * 1_000_003;
  const name = fullName(shopper % POOLS.names);
  const homeAddress = kind === "returning" ? shopper % POOLS.addresses : POOLS.addresses + (shopper % 5_000_000);
  const shipping = address(next() < 0.1 ? drawShopper(next) % POOLS.addresses : homeAddress, name);
  const segment = pick(SEGMENTS, shopper);
  const isMobile = next() < 0.45;
  const net = isMobile ? POOLS.homeNets + Math.floor(POOLS.mobileNets * next() ** MOBILE_NET_SKEW) : shopper % POOLS.homeNets;
  const ip = `${netPrefix(net)}.${isMobile ? 1 + Math.floor(next() * 254) : 2 + (shopper % 50)}`;
  const isLoggedIn = kind === "returning" && next() < 0.7;
  const lines = items(next, segment, false);
  const payMethod = next();
  const order: Order = {
    id: orderId,
    amount: lines.reduce((sum, line) => sum + line.quantity * (line.unitPrice ?? 0), 0),
    currency: "SEK",
    email: email(shopper),
    ...(next() < 0.85 ? { phone: phone(kind === "returning" ? shopper % POOLS.phones : POOLS.phones + shopper) } : {}),
    customer: {
      ...(isLoggedIn ? { id: `c_${shopper}`, createdAt: new Date(Date.UTC(2024, 0, 1) + (shopper % 700) * DAY_MS).toISOString() } : {}),
      name,
      ...(segment === "consumer" ? {} : { orgNumber: orgNumber(shopper) }),
      segment,
    },
    billing: { ...address(homeAddress, name) },
    shipping,
    items: lines,
    ...(payMethod < 0.8
      ? { payment: card(next() < 0.8 ? shopper % POOLS.cards : (shopper + 150_000) % POOLS.cards) }
      : { payment: { method: payMethod < 0.9 ? "invoice" : "swish" } }),
  };
  const hasToken = next() < 0.85;
  const deviceSlot = next() < 0.25 ? 1 : 0;
  return {
    request: { ip, order },
    ...(hasToken ? { deviceId: device((shopper + deviceSlot * POOLS.shoppers) % POOLS.devices) } : {}),
    hasToken,
    kind,
  };
}

/** A fraud ring: a few devices, two drop addresses and one network, used over and over with rotating e-mails, names and cards. */
function ringAttempt(next: () => number, orderId: string): SyntheticAttempt {
  const ring = Math.floor(next() * POOLS.rings);
  const name = fullName((ring * 7_919 + Math.floor(next() * 30)) % POOLS.names);
  const drop = address(POOLS.addresses + 5_000_000 + ring * 2 + Math.floor(next() * 2), name);
  const lines = items(next, "consumer", true);
  const order: Order = {
    id: orderId,
    amount: lines.reduce((sum, line) => sum + line.quantity * (line.unitPrice ?? 0), 0),
    currency: "SEK",
    email: `${randomText(next, 8)}@${pick(RING_DOMAINS, Math.floor(next() * 4))}`,
    ...(next() < 0.5 ? { phone: `+4673${String(Math.floor(next() * 9_000_000) + 1_000_000)}` } : {}),
    customer: { name, segment: "consumer" },
    billing: { ...address(Math.floor(next() * POOLS.addresses), name) },
    shipping: drop,
    items: lines,
    payment: { method: "card", cardBin: pick(BINS, Math.floor(next() * BINS.length)), cardLast4: String(Math.floor(next() * 10_000)).padStart(4, "0") },
  };
  return {
    request: { ip: `${netPrefix(POOLS.homeNets + POOLS.mobileNets + ring)}.${1 + Math.floor(next() * 254)}`, order },
    deviceId: `fp_ring${ring}_${Math.floor(next() * 3)}`,
    hasToken: true,
    kind: "ring",
  };
}

/** A time in the `days` before `nowMs`, uniformly: the prior history is spread over the last month. */
export function attemptTime(index: number, nowMs: number, days: number): number {
  const next = random(Math.imul(index, 0x7feb352d) ^ 0x5bd1e995);
  return nowMs - Math.floor(next() * days * DAY_MS) - 1_000;
}
