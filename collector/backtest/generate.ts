import type { EnvironmentSignals, FieldRole, FieldSignals } from "../../sdk/protocol.js";
import type { Order } from "../assess/request.js";
import { normaliseAddress, normaliseEmail } from "../identity/normalise.js";

/**
 * Seeded, realistic checkout traffic for backtests (docs/backtest.md, "The generator"): genuine
 * shoppers whose identifiers repeat the way real ones do, and fraud that repeats the way fraud does.
 * Every value comes from one seeded generator, so a seed always gives the same lines.
 *
 * Traffic is planned as episodes (one shopper, one household, one card-testing burst), each with its
 * own times; all episodes' attempts are then built in time order. An episode draws only from its own
 * random stream, so adding a pattern never changes the attempts of another.
 */

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
export const MAX_ORDERS = 10_000_000;
export const MAX_DAYS = 3650;
/** Share of attempts that are fraud. */
export const FRAUD_SHARE = 0.05;

/** Share of attempts per pattern within the genuine and the fraud traffic. */
const GENUINE_MIX: Record<GenuinePattern, number> = { repeat_buyer: 0.44, new_buyer: 0.2, household: 0.12, typo_variants: 0.06, mobile_nat: 0.14, b2b: 0.04 };
const FRAUD_MIX: Record<FraudPattern, number> = { device_cycling: 0.18, drop_address: 0.15, fresh_account: 0.12, phone_ring: 0.15, slow_fraud: 0.15, card_testing: 0.25 };
/** Genuine attempts left unlabelled (nobody confirmed them either way). */
const UNLABELLED_SHARE = 0.12;

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

// ---------------------------------------------------------------- markets, people, places

interface City {
  name: string;
  /** Leading digits of its postal codes. */
  postal: readonly string[];
  weight: number;
}

interface Market {
  country: string;
  currency: string;
  /** Price of one SEK in this currency. */
  rate: number;
  weight: number;
  timezone: string;
  languages: readonly (readonly string[])[];
  first: readonly string[];
  last: readonly string[];
  cities: readonly City[];
  streetHeads: readonly string[];
  streetTails: readonly string[];
  postalDigits: number;
  mailDomains: readonly (readonly [string, number])[];
  /** Mobile prefixes in E.164 and the subscriber digits after them. */
  mobilePrefixes: readonly string[];
  subscriberDigits: number;
  apartment(rng: Random): { line1Suffix?: string; line2?: string };
  localPayments: readonly string[];
  /** Mobile carriers' /24 networks, one list per carrier. */
  carriers: readonly (readonly string[])[];
}

const SE: Market = {
  country: "SE",
  currency: "SEK",
  rate: 1,
  weight: 0.78,
  timezone: "Europe/Stockholm",
  languages: [["sv-SE", "sv", "en-US", "en"], ["sv-SE"], ["sv", "en"], ["en-US", "en", "sv"], ["sv-SE", "sv", "en-GB", "en"]],
  first: ["Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Emma", "Nils", "Lena", "Karl", "Ida", "Mikael", "Sofia",
    "Jonas", "Elin", "Fredrik", "Maja", "Oskar", "Linnea", "Gustav", "Hanna", "Axel", "Ebba", "Viktor", "Julia", "Magnus", "Klara", "Henrik", "Astrid",
    "Olof", "Frida", "Mats", "Alva", "Daniel", "Moa", "Peter", "Agnes", "Stefan", "Wilma", "Martin", "Tove", "Jakob", "Saga", "Leo", "Elsa", "Hugo",
    "Alice", "Selma", "Noah", "Vera", "Ali", "Fatima", "Yasmin", "Omar", "Amira", "Birgitta", "Åsa", "Göran", "Ingrid", "Björn", "Sven", "Ulf", "Annika",
    "Katarina", "Carl", "Christina", "Rasmus", "Emil", "Nora", "Kristoffer", "Matilda"],
  last: ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson",
    "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindqvist", "Lindgren", "Berg",
    "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Ali", "Engström", "Mohamed", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman", "Holm", "Wikström",
    "Bergqvist", "Nyström", "Holmberg", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Nordström", "Hussein", "Mårtensson", "Björklund", "Berggren",
    "Sandström", "Nordin", "Ström", "Åberg", "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg", "Hellström", "Sjögren", "Falk", "Öberg", "Blom"],
  cities: [
    { name: "Stockholm", postal: ["113", "114", "115", "116", "117", "118", "120", "121", "126", "165", "171"], weight: 25 },
    { name: "Göteborg", postal: ["411", "412", "413", "414", "415", "416", "417", "418", "421"], weight: 13 },
    { name: "Malmö", postal: ["211", "212", "214", "215", "216", "217"], weight: 9 },
    { name: "Uppsala", postal: ["752", "753", "754", "756"], weight: 5 },
    { name: "Västerås", postal: ["721", "722", "723", "724"], weight: 4 },
    { name: "Örebro", postal: ["702", "703", "705"], weight: 4 },
    { name: "Linköping", postal: ["582", "583", "584", "585"], weight: 4 },
    { name: "Helsingborg", postal: ["252", "253", "254"], weight: 4 },
    { name: "Jönköping", postal: ["553", "554", "555"], weight: 4 },
    { name: "Norrköping", postal: ["602", "603", "604"], weight: 4 },
    { name: "Lund", postal: ["222", "223", "224", "226"], weight: 3 },
    { name: "Umeå", postal: ["903", "904", "906"], weight: 3 },
    { name: "Gävle", postal: ["802", "803", "804"], weight: 3 },
    { name: "Borås", postal: ["503", "504", "506"], weight: 3 },
    { name: "Sundsvall", postal: ["852", "853", "854"], weight: 2 },
    { name: "Luleå", postal: ["972", "973", "975"], weight: 2 },
    { name: "Växjö", postal: ["352", "353"], weight: 2 },
    { name: "Karlstad", postal: ["652", "653", "654"], weight: 2 },
  ],
  streetHeads: ["Stor", "Kungs", "Drottning", "Skol", "Kyrk", "Ström", "Hamn", "Park", "Björk", "Ek", "Lind", "Tall", "Gran", "Sjö", "Berg", "Ängs",
    "Åker", "Mölle", "Smedje", "Väster", "Öster", "Norr", "Söder", "Slotts", "Bro", "Kvarn", "Skogs", "Bäck", "Rosen", "Linné", "Vasa", "Ring"],
  streetTails: ["gatan", "gatan", "gatan", "vägen", "vägen", "stigen", "gränd", "allén", "backen"],
  postalDigits: 5,
  mailDomains: [["gmail.com", 34], ["hotmail.com", 14], ["outlook.com", 9], ["icloud.com", 10], ["live.se", 5], ["hotmail.se", 5], ["yahoo.se", 3],
    ["telia.com", 7], ["bredband.net", 3], ["spray.se", 2], ["protonmail.com", 2], ["comhem.se", 3]],
  mobilePrefixes: ["+4670", "+4672", "+4673", "+4676", "+4679"],
  subscriberDigits: 7,
  apartment: (rng) => (rng.chance(0.45) ? { line2: `lgh ${rng.int(10, 17)}0${rng.int(1, 6)}` } : {}),
  localPayments: ["swish", "invoice"],
  carriers: [["90.229.4", "90.229.5"], ["213.66.21", "46.194.6"], ["83.191.17", "83.191.18"]],
};

const FI: Market = {
  country: "FI",
  currency: "EUR",
  rate: 0.087,
  weight: 0.12,
  timezone: "Europe/Helsinki",
  languages: [["fi-FI", "fi", "en-US", "en"], ["fi"], ["sv-FI", "sv", "fi", "en"], ["en-US", "en", "fi"]],
  first: ["Mikko", "Juha", "Timo", "Matti", "Kari", "Antti", "Jukka", "Mika", "Laura", "Anne", "Tiina", "Johanna", "Maria", "Sanna", "Heidi", "Elina",
    "Aino", "Eero", "Veera", "Onni", "Siiri", "Leevi", "Ville", "Emilia", "Päivi", "Jari"],
  last: ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen",
    "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen"],
  cities: [
    { name: "Helsinki", postal: ["001", "002", "005", "008"], weight: 35 },
    { name: "Espoo", postal: ["021", "022"], weight: 15 },
    { name: "Tampere", postal: ["331", "335"], weight: 15 },
    { name: "Turku", postal: ["201", "205"], weight: 12 },
    { name: "Oulu", postal: ["901", "905"], weight: 10 },
  ],
  streetHeads: ["Koivu", "Mänty", "Kuusi", "Ranta", "Kirkko", "Koulu", "Asema", "Puisto", "Myllyn", "Järven", "Mäki", "Harju", "Kallio", "Metsä", "Pelto"],
  streetTails: ["katu", "tie", "kuja", "polku", "rinne"],
  postalDigits: 5,
  mailDomains: [["gmail.com", 40], ["hotmail.com", 15], ["outlook.com", 10], ["luukku.com", 5], ["elisanet.fi", 5], ["icloud.com", 8]],
  mobilePrefixes: ["+35840", "+35841", "+35844", "+35845", "+35850"],
  subscriberDigits: 7,
  apartment: (rng) => (rng.chance(0.5) ? { line1Suffix: ` ${rng.pick(["A", "B", "C"])} ${rng.int(1, 40)}` } : {}),
  localPayments: ["invoice", "mobilepay"],
  carriers: [["91.152.7", "91.152.8"], ["84.249.2"]],
};

const NO: Market = {
  country: "NO",
  currency: "NOK",
  rate: 0.98,
  weight: 0.05,
  timezone: "Europe/Oslo",
  languages: [["nb-NO", "nb", "no", "nn", "en"], ["nb"], ["en-US", "en", "nb"]],
  first: ["Ole", "Lars", "Knut", "Jan", "Per", "Bjørn", "Kari", "Ingrid", "Liv", "Anne", "Marit", "Solveig", "Nora", "Emma", "Jakob", "Emil", "Ola",
    "Sigrid", "Håkon", "Ingeborg"],
  last: ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen",
    "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen"],
  cities: [
    { name: "Oslo", postal: ["01", "02", "03", "04", "05", "06"], weight: 40 },
    { name: "Bergen", postal: ["50", "51", "52"], weight: 20 },
    { name: "Trondheim", postal: ["70", "71"], weight: 15 },
    { name: "Stavanger", postal: ["40", "41"], weight: 15 },
  ],
  streetHeads: ["Stor", "Kirke", "Skole", "Bjørke", "Furu", "Sjø", "Strand", "Mølle", "Park", "Kongens", "Dronning", "Elve", "Fjell", "Skog"],
  streetTails: ["gata", "veien", "gate", "bakken", "stien"],
  postalDigits: 4,
  mailDomains: [["gmail.com", 45], ["hotmail.com", 15], ["online.no", 10], ["outlook.com", 10], ["icloud.com", 8]],
  mobilePrefixes: ["+474", "+479"],
  subscriberDigits: 7,
  apartment: (rng) => (rng.chance(0.3) ? { line2: `H0${rng.int(1, 6)}0${rng.int(1, 4)}` } : {}),
  localPayments: ["vipps", "invoice"],
  carriers: [["84.210.3", "84.210.4"], ["46.66.12"]],
};

const DK: Market = {
  country: "DK",
  currency: "DKK",
  rate: 0.65,
  weight: 0.05,
  timezone: "Europe/Copenhagen",
  languages: [["da-DK", "da", "en-US", "en"], ["da"], ["en-US", "en", "da"]],
  first: ["Mette", "Hanne", "Anne", "Susanne", "Lene", "Peter", "Michael", "Lars", "Jens", "Søren", "Niels", "Rasmus", "Mads", "Freja", "Ida", "Clara",
    "Emil", "Oliver", "Karen", "Mathias"],
  last: ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen",
    "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen"],
  cities: [
    { name: "København", postal: ["1", "2"], weight: 45 },
    { name: "Aarhus", postal: ["80", "82"], weight: 20 },
    { name: "Odense", postal: ["50", "52"], weight: 15 },
    { name: "Aalborg", postal: ["90", "92"], weight: 10 },
  ],
  streetHeads: ["Vester", "Nørre", "Øster", "Sønder", "Skole", "Kirke", "Strand", "Mølle", "Park", "Bøge", "Ege", "Birke", "Havne", "Kongens"],
  streetTails: ["gade", "vej", "vænget", "allé", "stræde"],
  postalDigits: 4,
  mailDomains: [["gmail.com", 40], ["hotmail.com", 15], ["outlook.dk", 8], ["yahoo.dk", 5], ["jubii.dk", 4], ["icloud.com", 8]],
  mobilePrefixes: ["+4520", "+4522", "+4526", "+4530", "+4540", "+4550", "+4560"],
  subscriberDigits: 6,
  apartment: (rng) => (rng.chance(0.4) ? { line2: `${rng.int(1, 5)}. ${rng.pick(["th.", "tv.", "mf."])}` } : {}),
  localPayments: ["mobilepay", "invoice"],
  carriers: [["87.49.44", "87.49.45"], ["2.104.8"]],
};

const MARKETS: readonly Market[] = [SE, FI, NO, DK];
export const MARKET_TIMEZONES: Readonly<Record<string, string>> = Object.fromEntries(MARKETS.map((m) => [m.country, m.timezone]));

/** Fixed-line broadband /16s: households get addresses in these, fraud's residential proxies too. */
const ISP_BLOCKS = ["78.70", "81.224", "83.248", "85.224", "90.224", "94.234", "109.228", "155.4", "176.10", "188.149", "212.85", "217.208", "213.113", "46.59",
  "31.208", "37.123"];
/** Hosting and VPN /24s. */
const HOSTING_NETS = ["185.220.101", "185.107.47", "45.86.201", "91.219.237", "193.32.249", "146.70.117", "89.187.175", "37.120.217", "104.244.72", "51.158.166"];
/** Offices' fixed addresses. */
const BUSINESS_BLOCKS = ["194.17", "193.12", "195.67", "212.16"];

/** Card testers work through one BIN at a time; theirs are apart from the shoppers' so that a guessed card never hits a real one. */
const TESTER_BINS = ["431940", "520082", "403587", "549123", "414720", "484406"];
const CARD_BINS = ["457173", "416631", "535456", "492500", "552000", "454742", "475129", "539123", "422596", "518652", "476173", "402360", "529930",
  "413585", "557300", "489504", "434994", "521729", "448412", "540287", "465860", "515599", "426398", "547407"];

/** On the `disposable-email-domains` list. */
const DISPOSABLE_DOMAINS = ["mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com", "maildrop.cc", "dispostable.com", "10minutemail.com",
  "trashmail.com", "getnada.com"];
const FRAUD_MAIL_DOMAINS: readonly (readonly [string, number])[] = [["gmail.com", 40], ["outlook.com", 20], ["hotmail.com", 15], ["proton.me", 10], ["gmx.com", 5]];
const FOREIGN_MOBILE_PREFIXES = ["+447400", "+447500", "+4915112", "+3706"];

interface UserAgent {
  kind: "desktop" | "mobile";
  userAgent: string;
  platform: string;
  screens: readonly (readonly [number, number, number])[];
  colorDepth: number;
  weight: number;
}

const CHROME = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0";
const USER_AGENTS: readonly UserAgent[] = [
  { kind: "desktop", userAgent: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${CHROME} Safari/537.36`, platform: "Win32", screens: [[1920, 1080, 1], [1536, 864, 1.25], [2560, 1440, 1]], colorDepth: 24, weight: 26 },
  { kind: "desktop", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", platform: "Win32", screens: [[1920, 1080, 1], [1366, 768, 1]], colorDepth: 24, weight: 5 },
  { kind: "desktop", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", platform: "MacIntel", screens: [[1512, 982, 2], [1440, 900, 2], [1728, 1117, 2]], colorDepth: 30, weight: 10 },
  { kind: "desktop", userAgent: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${CHROME} Safari/537.36`, platform: "MacIntel", screens: [[1512, 982, 2], [1440, 900, 2]], colorDepth: 30, weight: 7 },
  { kind: "mobile", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", platform: "iPhone", screens: [[390, 844, 3], [393, 852, 3], [430, 932, 3]], colorDepth: 24, weight: 30 },
  { kind: "mobile", userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", platform: "Linux armv81", screens: [[412, 915, 2.625], [360, 800, 3], [384, 854, 2.8125]], colorDepth: 24, weight: 22 },
];
const DESKTOP_AGENTS = USER_AGENTS.filter((ua) => ua.kind === "desktop");
const MOBILE_AGENTS = USER_AGENTS.filter((ua) => ua.kind === "mobile");

/** Where fraud tools' browsers are set up: time zones and languages that are not the shipping country's. */
const FOREIGN_LOCALES: readonly (readonly [string, readonly string[]])[] = [
  ["Europe/Bucharest", ["ro-RO", "ro", "en-US", "en"]],
  ["Africa/Lagos", ["en-NG", "en"]],
  ["America/New_York", ["en-US", "en"]],
  ["Europe/Moscow", ["ru-RU", "ru", "en"]],
  ["Asia/Ho_Chi_Minh", ["vi-VN", "vi", "en"]],
  ["Europe/London", ["en-GB", "en"]],
];

interface Device {
  id: string;
  agent: UserAgent;
  screen: readonly [number, number, number];
  timezone: string;
  languages: readonly string[];
}

interface Address {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}

interface Card {
  cardBin: string;
  cardLast4: string;
}

interface Person {
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
class World {
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
    const [timezone, languages] = market && !rng.chance(0.02) ? [market.timezone, rng.pick(market.languages)] : rng.pick(FOREIGN_LOCALES);
    return { id: rng.hex(32), agent, screen: rng.pick(agent.screens), timezone, languages };
  }
}

/** ASCII for e-mail local parts: "Åsa Öberg" → "asa", "oberg"; "Bjørn" → "bjorn". */
function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/ø/g, "o")
    .replace(/æ/g, "ae")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^a-z]/g, "");
}

const fullName = (person: Pick<Person, "first" | "last">) => `${person.first} ${person.last}`;

// ---------------------------------------------------------------- catalogue and baskets

interface Product {
  sku: string;
  name: string;
  category: string;
  /** Price in öre; other currencies are converted and rounded to a shop price. */
  sek: number;
}

const p = (sku: string, name: string, category: string, sek: number): Product => ({ sku, name, category, sek });

const CONSUMER: readonly (readonly [Product, number])[] = [
  [p("TEE-BLK", "T-shirt, black", "clothing", 24_900), 10],
  [p("JEANS-32", "Jeans, straight", "clothing", 79_900), 6],
  [p("RAIN-JKT", "Rain jacket", "clothing", 149_900), 4],
  [p("SOCK-3", "Wool socks, 3-pack", "clothing", 19_900), 8],
  [p("SNKR-42", "Sneakers", "shoes", 119_900), 5],
  [p("GRIND-01", "Burr coffee grinder", "home", 129_900), 3],
  [p("BED-SET", "Bedding set", "home", 59_900), 4],
  [p("LAMP-T", "Table lamp", "home", 44_900), 3],
  [p("CANDLE", "Scented candle", "home", 14_900), 6],
  [p("PAN-28", "Frying pan 28 cm", "kitchen", 69_900), 4],
  [p("KNIFE-C", "Chef's knife", "kitchen", 89_900), 2],
  [p("BEANS-1KG", "Coffee beans, 1 kg", "groceries", 27_900), 10],
  [p("TEA-SEL", "Tea selection", "groceries", 12_900), 5],
  [p("BOOK-COOK", "Cookbook", "books", 34_900), 4],
  [p("BOOK-NOV", "Novel, paperback", "books", 19_900), 6],
  [p("TOY-BLD", "Building set", "toys", 79_900), 3],
  [p("GAME-BRD", "Board game", "toys", 39_900), 3],
  [p("CREAM-F", "Face cream", "beauty", 29_900), 5],
  [p("SHAMPOO", "Shampoo", "beauty", 12_900), 5],
  [p("YOGA-MAT", "Yoga mat", "sports", 34_900), 3],
  [p("RUN-SHOE", "Running shoes", "sports", 129_900), 3],
  [p("HP-ANC", "Noise-cancelling headphones", "electronics", 349_000), 2],
  [p("CHARGER", "Phone charger", "electronics", 24_900), 5],
  [p("WATCH-S", "Smartwatch", "electronics", 449_000), 1],
  [p("TAB-10", "Tablet 10\"", "electronics", 599_000), 0.7],
  [p("IP15", "iPhone 15", "electronics", 1_299_000), 0.4],
  [p("LAPTOP-14", "Laptop 14\"", "electronics", 1_149_000), 0.3],
  [p("GIFT-500", "Gift card 500 kr", "gift_card", 50_000), 2],
];
const CHEAP = CONSUMER.filter(([product]) => product.sek <= 60_000);

/** What fraud buys: resellable electronics and gift cards. */
const RESALE: readonly (readonly [Product, number])[] = [
  [p("IP15", "iPhone 15", "electronics", 1_299_000), 8],
  [p("IP15-PRO", "iPhone 15 Pro", "electronics", 1_499_000), 5],
  [p("LAPTOP-14", "Laptop 14\"", "electronics", 1_149_000), 5],
  [p("MBP-14", "MacBook Pro 14\"", "electronics", 2_499_000), 3],
  [p("CONSOLE", "Game console", "electronics", 649_000), 5],
  [p("GPU-4070", "Graphics card", "electronics", 899_000), 3],
  [p("WATCH-S", "Smartwatch", "electronics", 449_000), 4],
  [p("HP-ANC", "Noise-cancelling headphones", "electronics", 349_000), 6],
  [p("GIFT-2000", "Gift card 2 000 kr", "gift_card", 200_000), 4],
];
const MID_RESALE = RESALE.filter(([product]) => product.sek <= 700_000);
/** What card testers buy: the cheapest thing with no delivery. */
const PROBES = [p("EGIFT-50", "E-gift card 50 kr", "gift_card", 5_000), p("DONATE", "Donation", "donation", 2_000), p("STICKERS", "Sticker pack", "accessories", 2_900)];

/** Business buyers by `customer.segment` (the default segment table's categories), with what each usually orders. */
const B2B: Record<string, { words: readonly string[]; fiWords: readonly string[]; products: readonly Product[]; big: readonly Product[]; odd: Product }> = {
  restaurant: {
    words: ["Restaurang", "Bistro", "Pizzeria", "Krogen"],
    fiWords: ["Ravintola"],
    products: [p("FLOUR-25", "Flour 25 kg", "food", 34_900), p("OIL-5L", "Olive oil 5 l", "food", 44_900), p("TOM-6", "Canned tomatoes, 6 × 2.5 kg", "food", 29_900),
      p("WATER-24", "Mineral water, 24 × 33 cl", "beverages", 19_900), p("PLATE-12", "Plates, 12-pack", "tableware", 59_900), p("DISH-10L", "Dishwasher detergent 10 l", "cleaning", 39_900),
      p("BOX-500", "Takeaway boxes, 500", "packaging", 89_900), p("POT-50", "Stockpot 50 l", "kitchen", 189_000)],
    big: [p("CHAIR-B", "Bistro chair", "furniture", 149_000), p("TABLE-B", "Bistro table", "furniture", 289_000)],
    odd: p("TAB-10", "Tablet 10\"", "electronics", 599_000),
  },
  cafe: {
    words: ["Café", "Kafé", "Konditori"],
    fiWords: ["Kahvila"],
    products: [p("ESP-6KG", "Espresso beans 6 kg", "coffee", 179_000), p("MILK-O", "Oat drink, 12 × 1 l", "beverages", 26_900), p("CUP-1000", "Paper cups, 1,000", "packaging", 79_900),
      p("CROIS-60", "Croissants, frozen, 60", "food", 49_900), p("GLASS-24", "Latte glasses, 24", "tableware", 45_900), p("CLEAN-5L", "Surface cleaner 5 l", "cleaning", 14_900)],
    big: [p("GRIND-PRO", "Espresso grinder", "kitchen", 1_290_000), p("SOFA-C", "Café sofa", "furniture", 890_000)],
    odd: p("SPEAKER", "Wireless speaker", "electronics", 249_000),
  },
  office: {
    words: ["Konsult", "Redovisning", "Arkitekter", "Juristbyrå"],
    fiWords: ["Konsultointi"],
    products: [p("PAPER-A4", "A4 paper, 5 × 500", "paper", 24_900), p("PENS-50", "Pens, 50-pack", "office_supplies", 9_900), p("BIND-20", "Binders, 20-pack", "office_supplies", 15_900),
      p("BEANS-1KG", "Coffee beans, 1 kg", "coffee", 27_900), p("KEYB", "Keyboard", "electronics", 59_900), p("MON-27", "Monitor 27\"", "electronics", 279_000)],
    big: [p("CHAIR-O", "Office chair", "furniture", 349_000), p("DESK-E", "Standing desk", "furniture", 499_000), p("LAPTOP-14", "Laptop 14\"", "electronics", 1_149_000)],
    odd: p("TOY-BLD", "Building set", "toys", 79_900),
  },
  construction: {
    words: ["Bygg", "Snickeri", "Måleri", "El & VVS"],
    fiWords: ["Rakennus"],
    products: [p("SCREW-1K", "Screws, 1,000", "hardware", 29_900), p("TIMBER-30", "Timber 45 × 95, 30 m", "building_materials", 89_900), p("TROUS-W", "Work trousers", "workwear", 89_900),
      p("HELMET", "Safety helmet", "safety", 29_900), p("GLASS-S10", "Safety glasses, 10-pack", "safety", 39_900), p("BLADE-5", "Saw blades, 5-pack", "tools", 49_900)],
    big: [p("DRILL-C", "Cordless drill", "tools", 249_000), p("SAW-CIRC", "Circular saw", "tools", 329_000), p("GYPSUM-P", "Gypsum boards, pallet", "building_materials", 399_000)],
    odd: p("CONSOLE", "Game console", "electronics", 649_000),
  },
  hair_salon: {
    words: ["Salong", "Hårstudio", "Frisör"],
    fiWords: ["Parturi-Kampaamo"],
    products: [p("SHAMP-5L", "Shampoo 5 l", "hair_care", 69_900), p("COLOR-12", "Hair colour, 12-pack", "hair_care", 89_900), p("NAIL-SET", "Nail polish set", "cosmetics", 29_900),
      p("TOWEL-20", "Towels, 20-pack", "towels", 79_900), p("CREAM-F", "Face cream", "beauty", 29_900)],
    big: [p("CHAIR-S", "Salon chair", "furniture", 599_000), p("DRYER-H", "Hood dryer", "hair_care", 459_000)],
    odd: p("SPEAKER", "Wireless speaker", "electronics", 249_000),
  },
};
const COMPANY_NAMES = ["Sjöboden", "Linnéa", "Bryggan", "Kungsholmen", "Solsidan", "Ekbacken", "Norrsken", "Havsbris", "Lyktan", "Granen", "Tallbacken",
  "Skeppet", "Tornet", "Ankaret", "Fyren", "Kvarnen", "Rosen", "Stjärnan", "Måsen", "Hamnen"];
const FI_COMPANY_NAMES = ["Koivu", "Järvi", "Satama", "Kallio", "Aalto", "Tähti", "Kivi", "Lahti"];

/** A price as a shop in that currency would show it: EUR x.90, NOK and DKK whole crowns. */
function price(product: Product, market: Market): number {
  if (market.rate === 1) return product.sek;
  const major = (product.sek / 100) * market.rate;
  return market.currency === "EUR" ? Math.max(1, Math.round(major)) * 100 - 10 : Math.max(1, Math.round(major)) * 100;
}

type Item = NonNullable<Order["items"]>[number];

function line(product: Product, quantity: number, market: Market): Item {
  return { sku: product.sku, name: product.name, category: product.category, quantity, unitPrice: price(product, market) };
}

/** Adds up lines of the same product. */
function merge(items: Item[]): Item[] {
  const bySku = new Map<string, Item>();
  for (const item of items) {
    const seen = bySku.get(item.sku!);
    if (seen) seen.quantity += item.quantity;
    else bySku.set(item.sku!, { ...item });
  }
  return [...bySku.values()];
}

function consumerBasket(rng: Random, market: Market, isSmall = false): Item[] {
  const count = isSmall ? rng.weighted([[1, 70], [2, 30]]) : rng.weighted([[1, 48], [2, 30], [3, 15], [4, 7]]);
  const from = isSmall ? CHEAP : CONSUMER;
  return merge(Array.from({ length: count }, () => line(rng.weighted(from), rng.chance(0.1) ? 2 : 1, market)));
}

function resaleBasket(rng: Random, market: Market, size: "mid" | "big"): Item[] {
  if (size === "mid") return [line(rng.weighted(MID_RESALE), rng.weighted([[1, 80], [2, 20]]), market)];
  const count = rng.weighted([[1, 50], [2, 35], [3, 15]]);
  return merge(Array.from({ length: count }, () => line(rng.weighted(RESALE), rng.int(2, 5), market)));
}

// ---------------------------------------------------------------- browser signals

const referrer = (rng: Random) =>
  rng.weighted([["", 40], ["https://www.google.com", 30], ["https://www.prisjakt.nu", 8], ["https://l.instagram.com", 7], ["https://www.facebook.com", 5], ["https://mail.google.com", 10]]);

const round = (value: number, decimals = 0) => Number(value.toFixed(decimals));

/** A field as a shopper fills it: typing, the browser's autofill, or a paste. */
function humanField(rng: Random, role: FieldRole, how: "typed" | "autofill-first" | "autofill" | "pasted", device: Device): FieldSignals {
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

const FORM: readonly FieldRole[] = ["email", "phone", "name", "name", "address", "address", "address"];

interface HumanVisit {
  /** typed: a new shopper; autofill: the browser fills the form; prefilled: a logged-in shopper's saved details. */
  fill: "typed" | "autofill" | "prefilled";
  /** Roles pasted rather than filled (a fraudster's copied identity). */
  paste?: readonly FieldRole[];
  /** Median seconds to submit, when not the fill's own. */
  medianSeconds?: number;
}

/** What the script reports for a person at the checkout. */
function humanSignals(rng: Random, device: Device, visit: HumanVisit): EnvironmentSignals {
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
function botSignals(rng: Random, device: Device, style: "webdriver" | "stealth"): EnvironmentSignals {
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
  const room = Math.max(bounds.endMs - bounds.startMs - spanMs, 1);
  const at = onDay(rng, bounds.startMs + rng.next() * room, hours);
  return Math.min(Math.max(at, bounds.startMs), bounds.endMs - 1);
}

/** Moments from `firstMs` on, each `gap()` after the last, on days apart: for gaps of a day or more. */
function daily(rng: Random, bounds: Bounds, firstMs: number, gapMs: () => number, hours: Hours, limit = Infinity): number[] {
  const times: number[] = [];
  for (let t = firstMs; t < bounds.endMs && times.length < limit; t += gapMs()) times.push(onDay(rng, t, hours));
  return inBounds(times, bounds, firstMs);
}

/** Moments `gap()` apart from `firstMs`: for bursts minutes or hours apart. */
function burst(rng: Random, bounds: Bounds, firstMs: number, count: number, gapMs: () => number): number[] {
  const times: number[] = [];
  for (let t = firstMs, i = 0; i < count; i++, t += gapMs()) times.push(Math.round(t));
  return inBounds(times, bounds, firstMs);
}

/** The moments inside the bounds, in order; never none. */
function inBounds(times: number[], bounds: Bounds, fallbackMs: number): number[] {
  const kept = times.filter((t) => t >= bounds.startMs && t < bounds.endMs).sort((a, b) => a - b);
  return kept.length > 0 ? kept : [Math.min(Math.max(Math.round(fallbackMs), bounds.startMs), bounds.endMs - 1)];
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

function orderOf(market: Market, parts: Omit<Order, "id" | "amount" | "currency">): Omit<Order, "id"> {
  const amount = (parts.items ?? []).reduce((sum, item) => sum + item.quantity * (item.unitPrice ?? 0), 0);
  return { amount, currency: market.currency, ...parts };
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
      if (rng.chance(0.15)) {
        const product = rng.pick(kind.big);
        lines.push(line(product, product.sek >= 800_000 ? rng.int(1, 2) : rng.int(3, 10), market));
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
  const bounds: Bounds = { startMs, endMs: startMs + Math.round(days * DAY_MS) };
  const fraudBudget = Math.round(orders * FRAUD_SHARE);
  const genuineBudget = orders - fraudBudget;
  // Carriers' NAT addresses grow with the traffic: about one checkout every two hours per address.
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
