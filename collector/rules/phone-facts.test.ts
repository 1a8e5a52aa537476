import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/core";
import metadata from "libphonenumber-js/min/metadata";
import examples from "libphonenumber-js/mobile/examples";
import { describe, expect, it } from "vitest";
import { generateAttempts } from "../backtest/generate.js";
import { readE164Facts, readPhoneFacts, type PhoneFacts } from "./phone-facts.js";

/** The facts as the rule read them before the fast path: straight from the library. */
function libraryFacts(phone: string, defaultCountry: CountryCode): PhoneFacts | undefined {
  const parsed = parsePhoneNumberFromString(phone, { defaultCountry }, metadata);
  if (parsed === undefined) return undefined;
  return { countryCallingCode: parsed.countryCallingCode, nationalDigits: parsed.nationalNumber.length, isValid: parsed.isValid(), number: parsed.number, country: parsed.country };
}

interface Case {
  phone: string;
  defaultCountry: CountryCode;
}

/** The cases where the fast path and the library differ, the first few of them. */
function differences(cases: readonly Case[], read: (phone: string, defaultCountry: CountryCode) => PhoneFacts | undefined) {
  const found: { phone: string; defaultCountry: string; library: PhoneFacts | undefined; ours: PhoneFacts | undefined }[] = [];
  for (const { phone, defaultCountry } of cases) {
    const library = libraryFacts(phone, defaultCountry);
    const ours = read(phone, defaultCountry);
    if (JSON.stringify(ours) !== JSON.stringify(library) && found.push({ phone, defaultCountry, library, ours }) >= 10) break;
  }
  return found;
}

/** mulberry32: the same cases on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = seededRandom(20261122);
const randomDigits = (length: number) => Array.from({ length }, () => Math.floor(random() * 10)).join("");
const withRandomEnd = (digits: string, replaced: number) => digits.slice(0, Math.max(0, digits.length - replaced)) + randomDigits(Math.min(replaced, digits.length));

const COUNTRIES = Object.keys(metadata.countries) as CountryCode[];
const NON_GEOGRAPHIC_CODES = Object.keys(metadata.nonGeographic);
const MAX_DIGITS_AFTER_CODE = 17;
const RANDOM_PER_LENGTH = 6;

/** Per country: random digits of every length, its example mobile number and variants of it, with and without its national prefix. */
function countryCases(): Case[] {
  const cases: Case[] = [];
  for (const country of COUNTRIES) {
    const code = getCountryCallingCode(country, metadata);
    const nationalPrefix = (metadata.countries[country]![5] as string | 0 | undefined) || "0";
    const other = COUNTRIES[Math.floor(random() * COUNTRIES.length)]!;
    const example = examples[country] ?? "";
    cases.push({ phone: `+${code}${nationalPrefix}`, defaultCountry: country });
    for (let length = 1; length <= MAX_DIGITS_AFTER_CODE; length++) {
      for (let i = 0; i < RANDOM_PER_LENGTH; i++) cases.push({ phone: `+${code}${randomDigits(length)}`, defaultCountry: i % 2 === 0 ? country : other });
      cases.push({ phone: `+${code}${nationalPrefix}${randomDigits(length)}`, defaultCountry: country });
      // The first digits of a real number, so that the leading digits and number types of countries sharing a code come into play.
      const start = example.slice(0, Math.min(length, 1 + Math.floor(random() * 5)));
      const national = start + randomDigits(length - start.length);
      cases.push({ phone: `+${code}${national}`, defaultCountry: country }, { phone: `+${code}${nationalPrefix}${national}`, defaultCountry: country });
    }
    if (example === "") continue;
    const looksValid = [example, example.slice(0, -1), `${example}${randomDigits(1)}`];
    for (let replaced = 1; replaced <= 6; replaced++) looksValid.push(withRandomEnd(example, replaced), withRandomEnd(example, replaced));
    for (const national of looksValid) {
      cases.push({ phone: `+${code}${national}`, defaultCountry: country });
      cases.push({ phone: `+${code}${nationalPrefix}${national}`, defaultCountry: country });
      cases.push({ phone: `+${code}0${national}`, defaultCountry: other });
    }
  }
  return cases;
}

/** Every 1- to 3-digit start after the +, known calling code or not, and the non-geographic codes at every length. */
function callingCodeCases(): Case[] {
  const cases: Case[] = [];
  for (let start = 0; start < 1000; start++) {
    for (let i = 0; i < 3; i++) cases.push({ phone: `+${start}${randomDigits(2 + Math.floor(random() * 12))}`, defaultCountry: "SE" });
  }
  for (const code of NON_GEOGRAPHIC_CODES) {
    for (let length = 1; length <= MAX_DIGITS_AFTER_CODE; length++) {
      for (let i = 0; i < RANDOM_PER_LENGTH; i++) cases.push({ phone: `+${code}${randomDigits(length)}`, defaultCountry: "GB" });
    }
  }
  return cases;
}

const NAMED_E164: readonly string[] = [
  "+", "+0", "+00", "+0123456789", "+1", "+12", "+123", "+1234", "+46", "+467", "+4670", "+46701234567", "+46737902329",
  "+4402079460000", "+442079460000", "+4407911123456", "+447911123456", "+447624123456", "+441481123456", "+441534123456", "+441624123456",
  "+390612345678", "+3906123456", "+390669812345", "+39066981234", "+393123456789", "+79123456789", "+789123456789", "+77012345678", "+787012345678",
  "+12125551234", "+14165550123", "+12685551234", "+11234567", "+112685551234", "+18095551234", "+16135550123", "+19395551234",
  "+4779012345", "+4791234567", "+358181234567", "+358401234567", "+262269123456", "+262692123456", "+590690123456", "+5999123456", "+5993123456",
  "+113101234", "+440762412345", "+44076241234", "+440148112345", "+61891621234", "+61891641234", "+21252123456", "+212528123456", "+2906123", "+2908123",
  "+80012345678", "+8001234567", "+8821234567", "+88213123456789", "+88312345678", "+8701234567890", "+979123456789", "+999123456", "+3901234",
  "+378812345", "+5490111512345678", "+5511912345678", "+55011912345678", "+819012345678", "+8100012345678", "+6723123456", "+37805491234",
  `+${"1".repeat(30)}`, `+4${"6".repeat(249)}`, `+4${"6".repeat(250)}`,
];

const OTHER_FORMS: readonly string[] = [
  "+46 70 123 45 67", "+46-70-123 45 67", "+46 (0)70-123 45 67", "0701234567", "070-123 45 67", "0046701234567", "00 46 70 123 45 67", "08-123 456 78",
  "+44 20 7946 0000", "+1 (212) 555-1234", "+7 8 912 345 67 89", "8 912 345 67 89", "tel:+46701234567", "+46701234567 ext. 12", "+46701234567;ext=3",
  "＋４６７０１２３４５６７", "+٤٦٧٠١٢٣٤٥٦٧", "46701234567", " +46701234567", "+46701234567 ", "+4670123456a", "phone: +46701234567", "+46+701234567", "", "abc",
];

const GENERATED_ORDERS = 5_000;

function generatedCases(): Case[] {
  const pairs = new Map<string, Case>();
  for (const { attempt } of generateAttempts({ seed: 7, orders: GENERATED_ORDERS })) {
    const phone = attempt.order.phone?.trim();
    const country = attempt.order.shipping?.country;
    if (phone && country !== undefined && Object.hasOwn(metadata.countries, country)) pairs.set(`${country} ${phone}`, { phone, defaultCountry: country as CountryCode });
  }
  return [...pairs.values()];
}

describe("readPhoneFacts", () => {
  const e164Cases = [...countryCases(), ...callingCodeCases(), ...NAMED_E164.flatMap((phone) => [{ phone, defaultCountry: "SE" as const }, { phone, defaultCountry: "US" as const }])];

  it(`reads + and digits as the library does (${e164Cases.length} numbers)`, () => {
    expect(e164Cases.length).toBeGreaterThan(40_000);
    expect(differences(e164Cases, (phone) => readE164Facts(phone))).toEqual([]);
    const routedElsewhere = e164Cases.filter(({ phone, defaultCountry }) => JSON.stringify(readPhoneFacts(phone, defaultCountry)) !== JSON.stringify(readE164Facts(phone)));
    expect(routedElsewhere).toEqual([]);
  });

  it("leaves every other form to the library", () => {
    const cases = COUNTRIES.flatMap((defaultCountry) => OTHER_FORMS.map((phone) => ({ phone, defaultCountry })));
    expect(differences(cases, readPhoneFacts)).toEqual([]);
  });

  it("reads every distinct phone and shipping country of generated orders as the library does", () => {
    const cases = generatedCases();
    expect(cases.length).toBeGreaterThan(1_000);
    expect(differences(cases, readPhoneFacts)).toEqual([]);
  });

  it("chooses among the countries sharing a calling code, and none for a non-geographic one", () => {
    expect(readPhoneFacts("+14165550123", "SE")).toMatchObject({ country: "CA", isValid: true });
    expect(readPhoneFacts("+447624123456", "SE")).toMatchObject({ country: "IM", isValid: true });
    expect(readPhoneFacts("+77012345678", "SE")).toMatchObject({ country: "KZ", isValid: true });
    expect(readPhoneFacts("+80012345678", "SE")).toEqual({ countryCallingCode: "800", nationalDigits: 8, isValid: true, number: "+80012345678", country: undefined });
    expect(readPhoneFacts("+4402079460000", "SE")).toMatchObject({ number: "+442079460000", isValid: true }); // the national prefix dropped
    expect(readPhoneFacts("+390612345678", "SE")).toMatchObject({ number: "+390612345678", country: "IT" }); // Italy keeps its 0
    expect(readPhoneFacts("+999123456", "SE")).toBeUndefined();
  });
});
