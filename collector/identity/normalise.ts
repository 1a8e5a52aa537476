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
  const at = email.lastIndexOf("@");
  let local = email.slice(0, at);
  let domain = email.slice(at + 1).replace(/\.$/, "");
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, "");
    domain = "gmail.com";
  }
  return local && domain ? `${local}@${domain}` : undefined;
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

/** Case, accents, punctuation and word order folded: "Berg, Anna" and "anna  berg" are one name. */
export function normaliseName(raw: string): string | undefined {
  const words = foldText(raw).split(" ").filter(Boolean).sort();
  return words.length > 0 ? words.join(" ") : undefined;
}

/** One delivery point: country, postal code without spaces, and the folded street lines. */
export function normaliseAddress(address: { line1?: string; line2?: string; postalCode?: string; city?: string; country?: string }): string | undefined {
  const line1 = foldText(address.line1 ?? "");
  if (!line1) return undefined;
  const postal = (address.postalCode ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
  const country = (address.country ?? "").trim().toUpperCase();
  const line2 = foldText(address.line2 ?? "");
  const city = postal ? "" : foldText(address.city ?? "");
  return [country, postal || city, line1, line2].join("|");
}

/** A canonical IP text (IPv6 lower-case and compressed, IPv4-mapped IPv6 as IPv4); not an IP → undefined. */
export function normaliseIp(raw: string): string | undefined {
  let ip = raw.trim();
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  ip = ip.replace(/%[^%]*$/, ""); // an IPv6 zone id names the local interface, not the peer
  const version = isIP(ip);
  if (version === 4) return ip.split(".").map((part) => String(Number(part))).join(".");
  if (version !== 6) return undefined;
  const url = new URL(`http://[${ip}]/`);
  const canonical = url.hostname.slice(1, -1);
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
  if (!normalisedIp.includes(":")) return `${normalisedIp.split(".").slice(0, 3).join(".")}.0/24`;
  const [head, tail] = normalisedIp.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** A card as far as a merchant may see it: BIN and last four digits. */
export function normaliseCard(payment: { cardBin?: string; cardLast4?: string }): string | undefined {
  return payment.cardBin && payment.cardLast4 ? `${payment.cardBin}:${payment.cardLast4}` : undefined;
}

/** Accents and case folded, every run of other than letters and digits one space, no space at either end. */
function foldText(raw: string): string {
  let folded = "";
  let isSpacePending = false;
  for (let i = 0; i < raw.length; i++) {
    const mapped = FOLDED_CHARS[raw.charCodeAt(i)];
    if (mapped === undefined) return foldTextSlowly(raw);
    if (mapped === "") {
      isSpacePending = true;
    } else {
      if (isSpacePending && folded !== "") folded += " ";
      isSpacePending = false;
      folded += mapped;
    }
  }
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

/**
 * foldTextSlowly per character, for Latin script (below U+0250), which names and addresses are nearly
 * always written in: "" for a character that is not a letter or digit, else its folded text. Only
 * characters that fold to letters and digits alone are listed (a few fold to a mix, e.g. ½); text
 * with any other character takes the slow way. Normalising, dropping marks and lower-casing act on
 * each character alone for these, so folding character by character gives the same text.
 */
const FOLDED_CHARS: (string | undefined)[] = [];
for (let code = 0; code < 0x250; code++) {
  const char = String.fromCharCode(code);
  const folded = char.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  if (/^[\p{L}\p{N}]+$/u.test(folded)) FOLDED_CHARS[code] = folded;
  else if (!/[\p{L}\p{N}]/u.test(folded)) FOLDED_CHARS[code] = "";
}
