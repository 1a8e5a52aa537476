/**
 * The tables the traffic generator (generate.ts) draws from: Nordic markets with their names, streets,
 * postal codes, phone prefixes and e-mail providers; networks; browsers; the shop's catalogue and what
 * business buyers order. Data only.
 */
import type { Random } from "./generate-world.js";

// ---------------------------------------------------------------- markets

export interface City {
  name: string;
  /** Leading digits of its postal codes. */
  postal: readonly string[];
  weight: number;
}

export interface Market {
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

export const SE: Market = {
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

export const FI: Market = {
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

export const NO: Market = {
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

export const DK: Market = {
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

export const MARKETS: readonly Market[] = [SE, FI, NO, DK];
export const MARKET_TIMEZONES: Readonly<Record<string, string>> = Object.fromEntries(MARKETS.map((m) => [m.country, m.timezone]));

/** Fixed-line broadband /16s: households get addresses in these, fraud's residential proxies too. */
export const ISP_BLOCKS = ["78.70", "81.224", "83.248", "85.224", "90.224", "94.234", "109.228", "155.4", "176.10", "188.149", "212.85", "217.208", "213.113", "46.59",
  "31.208", "37.123"];
/** Hosting and VPN /24s. */
export const HOSTING_NETS = ["185.220.101", "185.107.47", "45.86.201", "91.219.237", "193.32.249", "146.70.117", "89.187.175", "37.120.217", "104.244.72", "51.158.166"];
/** Offices' fixed addresses. */
export const BUSINESS_BLOCKS = ["194.17", "193.12", "195.67", "212.16"];

/** Card testers work through one BIN at a time; theirs are apart from the shoppers' so that a guessed card never hits a real one. */
export const TESTER_BINS = ["431940", "520082", "403587", "549123", "414720", "484406"];
export const CARD_BINS = ["457173", "416631", "535456", "492500", "552000", "454742", "475129", "539123", "422596", "518652", "476173", "402360", "529930",
  "413585", "557300", "489504", "434994", "521729", "448412", "540287", "465860", "515599", "426398", "547407"];

/** On the `disposable-email-domains` list. */
export const DISPOSABLE_DOMAINS = ["mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com", "maildrop.cc", "dispostable.com", "10minutemail.com",
  "trashmail.com", "getnada.com"];
export const FRAUD_MAIL_DOMAINS: readonly (readonly [string, number])[] = [["gmail.com", 40], ["outlook.com", 20], ["hotmail.com", 15], ["proton.me", 10], ["gmx.com", 5]];
export const FOREIGN_MOBILE_PREFIXES = ["+447400", "+447500", "+4915112", "+3706"];

export interface UserAgent {
  kind: "desktop" | "mobile";
  userAgent: string;
  platform: string;
  screens: readonly (readonly [number, number, number])[];
  colorDepth: number;
  weight: number;
}

const CHROME = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0";
export const USER_AGENTS: readonly UserAgent[] = [
  { kind: "desktop", userAgent: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${CHROME} Safari/537.36`, platform: "Win32", screens: [[1920, 1080, 1], [1536, 864, 1.25], [2560, 1440, 1]], colorDepth: 24, weight: 26 },
  { kind: "desktop", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", platform: "Win32", screens: [[1920, 1080, 1], [1366, 768, 1]], colorDepth: 24, weight: 5 },
  { kind: "desktop", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", platform: "MacIntel", screens: [[1512, 982, 2], [1440, 900, 2], [1728, 1117, 2]], colorDepth: 30, weight: 10 },
  { kind: "desktop", userAgent: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${CHROME} Safari/537.36`, platform: "MacIntel", screens: [[1512, 982, 2], [1440, 900, 2]], colorDepth: 30, weight: 7 },
  { kind: "mobile", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", platform: "iPhone", screens: [[390, 844, 3], [393, 852, 3], [430, 932, 3]], colorDepth: 24, weight: 30 },
  { kind: "mobile", userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", platform: "Linux armv81", screens: [[412, 915, 2.625], [360, 800, 3], [384, 854, 2.8125]], colorDepth: 24, weight: 22 },
];
export const DESKTOP_AGENTS = USER_AGENTS.filter((ua) => ua.kind === "desktop");
export const MOBILE_AGENTS = USER_AGENTS.filter((ua) => ua.kind === "mobile");

/** Where fraud tools' browsers are set up: time zones and languages that are not the shipping country's. */
export const FOREIGN_LOCALES: readonly (readonly [string, readonly string[]])[] = [
  ["Europe/Bucharest", ["ro-RO", "ro", "en-US", "en"]],
  ["Africa/Lagos", ["en-NG", "en"]],
  ["America/New_York", ["en-US", "en"]],
  ["Europe/Moscow", ["ru-RU", "ru", "en"]],
  ["Asia/Ho_Chi_Minh", ["vi-VN", "vi", "en"]],
  ["Europe/London", ["en-GB", "en"]],
];

/** Where a genuine shopper's browser clock may be set when it is not at home: travel, a stay abroad. */
export const TRAVEL_ZONES = ["Europe/London", "Europe/Madrid", "America/New_York", "Asia/Bangkok", "Atlantic/Canary"];

// ---------------------------------------------------------------- catalogue

export interface Product {
  sku: string;
  name: string;
  category: string;
  /** Price in öre; other currencies are converted and rounded to a shop price. */
  sek: number;
}

const p = (sku: string, name: string, category: string, sek: number): Product => ({ sku, name, category, sek });

export const CONSUMER: readonly (readonly [Product, number])[] = [
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
export const CHEAP = CONSUMER.filter(([product]) => product.sek <= 60_000);

/** What fraud buys: resellable electronics and gift cards. */
export const RESALE: readonly (readonly [Product, number])[] = [
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
export const MID_RESALE = RESALE.filter(([product]) => product.sek <= 700_000);
export const BIG_RESALE = RESALE.filter(([product]) => product.category === "electronics" && product.sek >= 600_000);
/** What card testers buy: the cheapest thing with no delivery. */
export const PROBES = [p("EGIFT-50", "E-gift card 50 kr", "gift_card", 5_000), p("DONATE", "Donation", "donation", 2_000), p("STICKERS", "Sticker pack", "accessories", 2_900)];

/** Business buyers by `customer.segment` (the default segment table's categories), with what each usually orders. */
export const B2B: Record<string, { words: readonly string[]; fiWords: readonly string[]; products: readonly Product[]; big: readonly Product[]; odd: Product }> = {
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
/** Bought by the piece for a whole room or site: chairs, tables, boards. */
export const BULK_CATEGORIES = new Set(["furniture", "building_materials"]);
export const COMPANY_NAMES = ["Sjöboden", "Linnéa", "Bryggan", "Kungsholmen", "Solsidan", "Ekbacken", "Norrsken", "Havsbris", "Lyktan", "Granen", "Tallbacken",
  "Skeppet", "Tornet", "Ankaret", "Fyren", "Kvarnen", "Rosen", "Stjärnan", "Måsen", "Hamnen"];
export const FI_COMPANY_NAMES = ["Koivu", "Järvi", "Satama", "Kallio", "Aalto", "Tähti", "Kivi", "Lahti"];
