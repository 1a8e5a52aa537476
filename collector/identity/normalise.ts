import { isIP } from "node:net";
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/** The identifier kinds an attempt is matched on. Stable: they are part of stored keys. */
export const IDENTIFIER_KINDS = ["device", "ip", "ip_net", "email", "phone", "card", "customer", "name", "address"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

const GMAIL_DOMAINS = new Set(["gmail.com", "googlemail.com"]);

/**
 * Folds the variants one mailbox can be written as: case, surrounding space, `+tags`,
 * and for Gmail the dots in the local part and the googlemail.com alias.
 */
export function normaliseEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@.]+\.?$/.test(email)) return undefined;
  // The pattern allows exactly one @, a local part and a domain that are never empty, and at most one trailing dot.
  const at = email.indexOf("@");
  const domainEnd = email.endsWith(".") ? email.length - 1 : email.length;
  const domain = email.slice(at + 1, domainEnd);
  const plus = email.indexOf("+");
  const localEnd = plus > 0 && plus < at ? plus : at;
  if (GMAIL_DOMAINS.has(domain)) {
    const local = email.slice(0, localEnd).replace(/\./g, "");
    return local ? `${local}@gmail.com` : undefined;
  }
  return localEnd === at && domainEnd === email.length ? email : `${email.slice(0, localEnd)}@${domain}`;
}

/** The domain part of a normalised e-mail. */
export function emailDomain(normalisedEmail: string): string {
  return normalisedEmail.slice(normalisedEmail.lastIndexOf("@") + 1);
}

/**
 * Digits only, with an international `00` prefix written as `+`; a national number (no `+`) is put in
 * international form with `country`'s calling code when it is a possible number there, so
 * `070-123 45 67` shipped to SE and `+46 70 123 45 67` are one phone. Too few digits → undefined.
 */
export function normalisePhone(raw: string, country?: string): string | undefined {
  if (isPlainInternationalPhone(raw)) return raw;
  const trimmed = raw.trim().replace(/^(\+\d{1,3})\s*\(0\)/, "$1"); // "+46 (0)70…": the national trunk 0 is not dialled from abroad
  const isInternational = trimmed.startsWith("+") || trimmed.startsWith("00");
  let digits = trimmed.replace(/\D/g, "");
  if (trimmed.startsWith("00")) digits = digits.slice(2);
  if (digits.length < 6 || digits.length > 15) return undefined;
  if (isInternational) return `+${digits}`;
  if (country && isSupportedCountry(country)) {
    const parsed = parsePhoneNumberFromString(digits, country as CountryCode);
    if (parsed?.isPossible()) return parsed.number;
  }
  return digits;
}

/** `+` and 6 to 15 digits, nothing else: what normalisePhone would return unchanged. */
function isPlainInternationalPhone(raw: string): boolean {
  if (raw.length < 7 || raw.length > 16 || raw.charCodeAt(0) !== PLUS) return false;
  for (let i = 1; i < raw.length; i++) if (!isDigit(raw.charCodeAt(i))) return false;
  return true;
}

/** Case, accents, punctuation and word order folded: "Berg, Anna" and "anna  berg" are one name. */
export function normaliseName(raw: string): string | undefined {
  // Folded text is words joined by single spaces; one or two words need no array to be sorted.
  const folded = foldText(raw);
  if (folded === "") return undefined;
  const space = folded.indexOf(" ");
  if (space === -1) return folded;
  if (folded.indexOf(" ", space + 1) === -1) {
    const first = folded.slice(0, space);
    const second = folded.slice(space + 1);
    return first <= second ? folded : `${second} ${first}`;
  }
  return folded.split(" ").sort().join(" ");
}

/** One delivery point: country, postal code without spaces, and the folded street lines. */
export function normaliseAddress(address: { line1?: string; line2?: string; postalCode?: string; city?: string; country?: string }): string | undefined {
  const line1 = foldText(address.line1 ?? "");
  if (!line1) return undefined;
  const postal = foldPostalCode(address.postalCode ?? "");
  const country = (address.country ?? "").trim().toUpperCase();
  const line2 = foldText(address.line2 ?? "");
  const city = postal ? "" : foldText(address.city ?? "");
  // join gives a flat string; a long template gives a cons string, slower to hash and compare as a Map key.
  return [country, postal || city, line1, line2].join("|");
}

/** Lower case, letters a–z and digits only. */
function foldPostalCode(raw: string): string {
  let folded = "";
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    // Outside ASCII, lower-casing can give a–z (the Kelvin sign gives k): left to toLowerCase.
    if (code >= 0x80) return raw.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (isDigit(code) || (code >= LOWER_A && code <= LOWER_Z)) folded += raw[i];
    else if (code >= UPPER_A && code <= UPPER_Z) folded += String.fromCharCode(code + (LOWER_A - UPPER_A));
  }
  return folded;
}

/** A canonical IP text (IPv6 lower-case and compressed, IPv4-mapped IPv6 as IPv4); not an IP → undefined. */
export function normaliseIp(raw: string): string | undefined {
  if (isPlainIpv4(raw)) return raw;
  let ip = raw.trim();
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  // An IPv6 zone id names the local interface, not the peer. A zone id holds no "%": text with two is
  // no address (isIP would take "::%1" from "::%1%", and URL refuse it).
  const zone = ip.indexOf("%");
  if (zone !== -1) {
    if (ip.indexOf("%", zone + 1) !== -1) return undefined;
    ip = ip.slice(0, zone);
  }
  const version = isIP(ip);
  if (version === 4) return ip; // isIP takes no leading zeros: each part already reads as its number
  if (version !== 6) return undefined;
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return canonical;
}

/** The network an address belongs to: IPv4 /24, IPv6 /64. One household, office or mobile cell shares it. */
export function ipNetwork(normalisedIp: string): string {
  if (!normalisedIp.includes(":")) {
    // The text before the third dot (all of it with fewer dots), as split, slice(0, 3) and join would give.
    let end = -1;
    for (let dots = 0; dots < 3; dots++) {
      end = normalisedIp.indexOf(".", end + 1);
      if (end === -1) break;
    }
    return [end === -1 ? normalisedIp : normalisedIp.slice(0, end), ".0/24"].join("");
  }
  const [head, tail] = normalisedIp.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** A dotted quad as isIP accepts it: four numbers of 0 to 255, none with a leading zero. */
function isPlainIpv4(raw: string): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= raw.length; i++) {
    const code = i < raw.length ? raw.charCodeAt(i) : DOT;
    if (code === DOT) {
      if (digits === 0) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (isDigit(code) && !(digits === 1 && value === 0)) {
      value = value * 10 + code - ZERO;
      digits++;
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** A card as far as a merchant may see it: BIN and last four digits. */
export function normaliseCard(payment: { cardBin?: string; cardLast4?: string }): string | undefined {
  return payment.cardBin && payment.cardLast4 ? `${payment.cardBin}:${payment.cardLast4}` : undefined;
}

/** Accents and case folded, every run of other than letters and digits one space, no space at either end. */
function foldText(raw: string): string {
  let folded = "";
  let isSpacePending = false;
  // Characters that fold to themselves (lower-case letters, digits) are added a run at a time, sliced from raw.
  let runStart = -1;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    const fold = code < FOLDABLE_LIMIT ? FOLDS[code]! : Fold.Unlisted;
    if (fold === Fold.Itself) {
      if (runStart === -1) {
        if (isSpacePending && folded !== "") folded += " ";
        isSpacePending = false;
        runStart = i;
      }
      continue;
    }
    if (runStart !== -1) {
      folded += raw.slice(runStart, i);
      runStart = -1;
    }
    if (fold === Fold.Unlisted) return foldTextSlowly(raw);
    if (fold === Fold.Separator) {
      isSpacePending = true;
    } else {
      if (isSpacePending && folded !== "") folded += " ";
      isSpacePending = false;
      folded += FOLDED_CHARS[code]!;
    }
  }
  if (runStart !== -1) folded += runStart === 0 ? raw : raw.slice(runStart);
  return folded;
}

function foldTextSlowly(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const enum Fold {
  Unlisted,
  Separator,
  Itself,
  Other,
}

/**
 * foldTextSlowly per character, for Latin script (below U+0250), which names and addresses are nearly
 * always written in: FOLDS says how each character folds (a separator when it is not a letter or
 * digit, itself, or another text, which FOLDED_CHARS holds). Only characters that fold to letters and
 * digits alone, or to nothing, are listed (a few fold to a mix, e.g. ½); text with any other
 * character takes the slow way. Normalising, dropping marks and lower-casing act on
 * each character alone for these, so folding character by character gives the same text.
 */
const FOLDABLE_LIMIT = 0x250;
const FOLDED_CHARS: (string | undefined)[] = [];
const FOLDS = new Uint8Array(FOLDABLE_LIMIT);
for (let code = 0; code < FOLDABLE_LIMIT; code++) {
  const char = String.fromCharCode(code);
  const folded = char.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  if (/^[\p{L}\p{N}]+$/u.test(folded)) {
    FOLDED_CHARS[code] = folded;
    FOLDS[code] = folded === char ? Fold.Itself : Fold.Other;
  } else if (!/[\p{L}\p{N}]/u.test(folded)) {
    FOLDS[code] = Fold.Separator;
  }
}

const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}
