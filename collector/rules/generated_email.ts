import { z } from "zod";
import { counted, severityForCount, thresholds } from "./params.js";
import type { RuleDefinition } from "./types.js";

export interface Sign {
  points: number;
  text: string;
}

/** Letters with their accents removed (ę → e, ö → o), so vowels are vowels in any Latin-script name. */
function plainLetters(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKD").replace(/\p{M}+/gu, "");
}

/** 8 digits that read as a date (19870512 or 12051987): people put their birthday in addresses. */
function isDate(digits: string): boolean {
  if (digits.length !== 8) return false;
  const plausible = (year: number, month: number, day: number) => year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
  const n = (from: number, to: number) => Number(digits.slice(from, to));
  return plausible(n(0, 4), n(4, 6), n(6, 8)) || plausible(n(4, 8), n(2, 4), n(0, 2));
}

/** A number a person picks or already has: a date, 1234567, 7777777, a national phone number (0701234567). */
function isMemorable(digits: string): boolean {
  if (isDate(digits) || new Set(digits).size <= 2) return true;
  if (digits.length >= 9 && digits.length <= 11 && digits.startsWith("0")) return true;
  const steps = new Set([...digits].slice(1).map((d, i) => (Number(d) - Number(digits[i]) + 10) % 10));
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

/** How often the token changes between digits and other characters. */
function switches(token: string): number {
  let count = 0;
  let wasDigit = isDigitAt(token, 0);
  for (let i = 1; i < token.length; i++) {
    const isDigit = isDigitAt(token, i);
    if (isDigit !== wasDigit) count++;
    wasDigit = isDigit;
  }
  return count;
}

function isDigitAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 48 && code <= 57;
}

function entropyBits(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** The runs of letters and digits between other characters (what splitting on /[^a-z0-9]+/ keeps). */
function tokensOf(local: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= local.length; i++) {
    const code = i < local.length ? local.charCodeAt(i) : -1;
    const isWordChar = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (isWordChar && start < 0) start = i;
    else if (!isWordChar && start >= 0) {
      tokens.push(local.slice(start, i));
      start = -1;
    }
  }
  return tokens;
}

/** The first longest run of 7 or more digits, when the text has a letter too; "" otherwise. */
function digitRunBesideLetters(compact: string): string {
  let hasLetter = false;
  let bestStart = 0;
  let bestLength = 0;
  let runStart = 0;
  for (let i = 0; i <= compact.length; i++) {
    if (i < compact.length && isDigitAt(compact, i)) continue;
    if (i - runStart > bestLength) {
      bestStart = runStart;
      bestLength = i - runStart;
    }
    runStart = i + 1;
    if (i < compact.length) hasLetter ||= compact.charCodeAt(i) >= 97;
  }
  return hasLetter && bestLength >= 7 ? compact.slice(bestStart, bestStart + bestLength) : "";
}

const isVowel = (code: number) => code === 97 || code === 101 || code === 105 || code === 111 || code === 117 || code === 121;

/** Each run of 6 or more letters in the token with no vowel, or with 6 or more consonants in a row. */
function letterSigns(token: string, signs: Sign[]): void {
  let letters = 0;
  let hasVowel = false;
  let consonants = 0;
  let cluster = 0;
  for (let i = 0; i <= token.length; i++) {
    const code = i < token.length ? token.charCodeAt(i) : -1;
    if (code >= 97) {
      letters += 1;
      if (isVowel(code)) {
        hasVowel = true;
        consonants = 0;
      } else if (++consonants > cluster) cluster = consonants;
      continue;
    }
    if (letters >= 6 && !hasVowel) signs.push({ points: 2, text: `${letters} letters without a vowel` });
    else if (cluster >= 6) signs.push({ points: cluster >= 8 ? 2 : 1, text: `${cluster} consonants in a row` });
    letters = 0;
    hasVowel = false;
    consonants = 0;
    cluster = 0;
  }
}

/**
 * What makes a local part look machine-made, with points for how strongly each says so. People's
 * addresses are names, initials, words, birth years and short numbers; generated ones are hex ids,
 * letters and digits shuffled together, long random numbers and unpronounceable strings. Each
 * token (the parts between dots, hyphens and underscores) is judged on its own, so that joined
 * names ("lars.engstrom") do not make consonant clusters of their own. The texts describe the
 * local part without quoting it: Vakt keeps no raw identifiers, and a reason is stored with the attempt.
 */
export function generatedSigns(localPart: string): Sign[] {
  const lower = localPart.toLowerCase();
  const local = plainLetters(lower.includes("+") ? lower.replace(/\+.*$/, "") : lower);
  const tokens = tokensOf(local);
  const compact = tokens.join("");
  const signs: Sign[] = [];

  const isHex = (t: string) => /^[0-9a-f]+$/.test(t) && (t.match(/\d/g)?.length ?? 0) >= 3 && (t.match(/[a-f]/g)?.length ?? 0) >= 3;
  const hex = tokens.find((t) => t.length >= 12 && isHex(t)) ?? (compact.length >= 16 && isHex(compact) ? compact : undefined);
  if (hex !== undefined) signs.push({ points: hex.length >= 16 ? 4 : 3, text: `a ${hex.length}-character hex string` });

  const switchCounts = tokens.map(switches);
  let mixed = "";
  let mixedCount = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (switchCounts[i]! > mixedCount) {
      mixed = tokens[i]!;
      mixedCount = switchCounts[i]!;
    }
  }
  if (mixedCount >= 4 && hex === undefined) {
    signs.push({ points: mixedCount >= 7 ? 3 : mixedCount >= 5 ? 2 : 1, text: `letters and digits alternate ${mixedCount} times in ${mixed.length} characters` });
  }

  const run = digitRunBesideLetters(compact);
  if (run !== "" && !isMemorable(run)) signs.push({ points: 2, text: `a run of ${run.length} random-looking digits` });

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    letterSigns(token, signs);
    // Letters, then digits, then letters again at least: a name with a year ("hertzsprung1976") does not count.
    if (token.length >= 12 && switchCounts[i]! >= 2 && hex === undefined) {
      const bits = entropyBits(token);
      if (bits >= 0.88 * Math.log2(token.length)) signs.push({ points: 1, text: `hardly a character repeats in ${token.length} characters` });
    }
  }
  return signs;
}

const params = z.strictObject({
  /** Points of evidence per severity (see generatedSigns: 1 for a weak sign, 2 to 4 for a strong one). */
  thresholds,
});
type Params = z.output<typeof params>;

/** A local part that looks machine-generated: account farms and fraud tools make addresses by the thousand. */
export const generated_email: RuleDefinition<Params> = {
  id: "generated_email",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const email = ctx.order.email?.trim();
    if (!email || !email.includes("@")) return { severity: "none" };
    const signs = generatedSigns(email.slice(0, email.lastIndexOf("@")));
    const points = signs.reduce((sum, s) => sum + s.points, 0);
    const severity = severityForCount(points, p.thresholds);
    if (severity === "none") return { severity };
    return { severity, detail: `the e-mail's local part looks machine-generated (${counted(points, "point")}): ${signs.map((s) => s.text).join("; ")}` };
  },
};
