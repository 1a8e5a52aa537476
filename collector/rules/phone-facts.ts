import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/core";
import metadata from "libphonenumber-js/min/metadata";

/** What the phone_country rule needs to know of a number, as `libphonenumber-js` reads it. */
export interface PhoneFacts {
  countryCallingCode: string;
  nationalDigits: number;
  isValid: boolean;
  /** E.164: `+`, the calling code and the national significant number. */
  number: string;
  /** Undefined for a non-geographic calling code (+800, +882) or when no country of a shared one fits. */
  country: string | undefined;
}

/**
 * The facts `parsePhoneNumberFromString(phone, { defaultCountry }, metadata)` gives, with the min
 * metadata; undefined where it gives none. A number written as `+` and digits only (98% in generated orders) is
 * read straight from the metadata in under a microsecond; every other form goes through the
 * library (10–20 µs).
 */
export function readPhoneFacts(phone: string, defaultCountry: CountryCode): PhoneFacts | undefined {
  if (phone.length <= MAX_INPUT_CHARS && PLUS_AND_DIGITS.test(phone) && metadata.version === METADATA_FORMAT) return readE164Facts(phone);
  return readWithLibrary(phone, defaultCountry);
}

/** The library reads nothing from a longer text. */
const MAX_INPUT_CHARS = 250;
const PLUS_AND_DIGITS = /^\+\d*$/;
/** The positions read below are those of this metadata format. */
const METADATA_FORMAT = 4;
const MIN_NATIONAL_DIGITS = 2;
const MAX_NATIONAL_DIGITS = 17;
const MAX_CALLING_CODE_DIGITS = 3;

/**
 * Shoppers repeat their numbers, so the library's readings of the last numbers written in other
 * forms (`070-123 45 67`, `0046…`) are kept; 50,000 small entries are a few megabytes. The oldest
 * entry is found in a ring of keys: a Map's first key, after many deletions from its front, is found
 * by skipping every deleted slot (~44 µs per eviction at 50,000 entries).
 */
const libraryReadings = new Map<string, PhoneFacts | null>();
const LIBRARY_READINGS = 50_000;
const libraryReadingKeys: string[] = new Array(LIBRARY_READINGS);
let oldestKey = 0;

/** The options object the package's main entry would build for `parsePhoneNumberFromString(phone, country)`. */
const parseOptions = new Map<string, { defaultCountry: CountryCode }>();

function readWithLibrary(phone: string, defaultCountry: CountryCode): PhoneFacts | undefined {
  const key = `${defaultCountry} ${phone}`;
  let facts = libraryReadings.get(key);
  if (facts === undefined) {
    let options = parseOptions.get(defaultCountry);
    if (options === undefined) parseOptions.set(defaultCountry, (options = { defaultCountry }));
    const parsed = parsePhoneNumberFromString(phone, options, metadata);
    facts = parsed === undefined
      ? null
      : { countryCallingCode: parsed.countryCallingCode, nationalDigits: parsed.nationalNumber.length, isValid: parsed.isValid(), number: parsed.number, country: parsed.country };
    if (libraryReadings.size >= LIBRARY_READINGS) libraryReadings.delete(libraryReadingKeys[oldestKey]!);
    libraryReadingKeys[oldestKey] = key;
    oldestKey = (oldestKey + 1) % LIBRARY_READINGS;
    libraryReadings.set(key, facts);
  }
  return facts ?? undefined;
}

/**
 * The library's reading of `+` followed by digits only: the shortest calling code (1 to 3 digits)
 * the metadata knows, the national prefix dropped where the rest still makes a possible number,
 * the length bounds, the country among those sharing the calling code, and validity against that
 * country's patterns (or the calling code's first country's, when none fits).
 */
export function readE164Facts(phone: string): PhoneFacts | undefined {
  const digits = phone.slice(1);
  // Fewer than 3 digits is not a number to the library; a calling code never starts with 0.
  if (digits.length < 3 || digits[0] === "0") return undefined;
  const callingCode = findCallingCode(digits);
  if (callingCode === undefined) return undefined;
  const afterCallingCode = digits.slice(callingCode.length);
  if (afterCallingCode === "") return undefined;
  const mainPlan = planOfCallingCode(callingCode);
  const nationalNumber = withoutNationalPrefix(afterCallingCode, callingCode, mainPlan);
  if (nationalNumber.length < MIN_NATIONAL_DIGITS || nationalNumber.length > MAX_NATIONAL_DIGITS) return undefined;
  const country = countryOfNumber(callingCode, nationalNumber);
  const plan = country === undefined ? mainPlan : planOfCountry(country);
  const isValid = plan.types === undefined ? plan.nationalNumber.test(nationalNumber) : hasNumberType(plan, nationalNumber);
  return { countryCallingCode: callingCode, nationalDigits: nationalNumber.length, isValid, number: `+${callingCode}${nationalNumber}`, country };
}

/** A numbering plan of the metadata (a country's, or a non-geographic calling code's), its patterns compiled. */
interface NumberingPlan {
  nationalNumber: RegExp;
  possibleLengths: readonly number[] | undefined;
  /** Matches a national prefix (and carrier code) at the start of the digits after the calling code. */
  nationalPrefix: RegExp | undefined;
  /** A replacement for the national prefix match, e.g. `268$1`, used when its last group matched. */
  nationalPrefixTransform: string | undefined;
  /** Tells this country from the others sharing its calling code, when set. */
  leadingDigits: RegExp | undefined;
  /** Undefined when the plan lists no number types (then the national number pattern alone decides validity). */
  types: readonly NumberType[] | undefined;
}

interface NumberType {
  pattern: RegExp;
  possibleLengths: readonly number[] | undefined;
}

/** A numbering plan as the min metadata (format 4) stores it: unset fields are 0 or missing. */
type RawPlan = [
  callingCode: string,
  iddPrefix?: unknown,
  nationalNumberPattern?: string,
  possibleLengths?: number[] | 0,
  formats?: unknown,
  nationalPrefix?: string | 0,
  nationalPrefixFormattingRule?: unknown,
  nationalPrefixForParsing?: string | 0,
  nationalPrefixTransformRule?: string | 0,
  isNationalPrefixOptionalWhenFormatting?: unknown,
  leadingDigits?: string | 0,
  types?: (RawType | 0)[] | 0,
];
/** One number type of a plan; a plan lists fixed line, mobile, toll free, premium rate, personal, voicemail, UAN, pager, VoIP, shared cost. */
type RawType = [pattern: string, possibleLengths?: number[] | 0];

const countryPlans = new Map<string, NumberingPlan>();
const nonGeographicPlans = new Map<string, NumberingPlan>();

function planOfCountry(country: string): NumberingPlan {
  let plan = countryPlans.get(country);
  if (plan === undefined) countryPlans.set(country, (plan = compilePlan(metadata.countries[country as CountryCode] as RawPlan)));
  return plan;
}

/** The plan the library selects for a calling code: its first country's, or the non-geographic one. */
function planOfCallingCode(callingCode: string): NumberingPlan {
  const countries = countriesOfCallingCode(callingCode);
  if (countries !== undefined) return planOfCountry(countries[0]!);
  let plan = nonGeographicPlans.get(callingCode);
  if (plan === undefined) nonGeographicPlans.set(callingCode, (plan = compilePlan(metadata.nonGeographic[callingCode] as RawPlan)));
  return plan;
}

function compilePlan(raw: RawPlan): NumberingPlan {
  const possibleLengths = raw[3] || undefined;
  const nationalPrefix = raw[7] || raw[5];
  const leadingDigits = raw[10];
  const types = raw[11];
  return {
    nationalNumber: matchingWhole(raw[2] ?? ""),
    possibleLengths,
    nationalPrefix: nationalPrefix ? new RegExp(`^(?:${nationalPrefix})`) : undefined,
    nationalPrefixTransform: raw[8] || undefined,
    leadingDigits: leadingDigits ? new RegExp(`^(?:${leadingDigits})`) : undefined,
    types: types && types.length > 0 ? types.filter((type): type is RawType => type !== 0 && Boolean(type[0])).map((type) => ({ pattern: matchingWhole(type[0]), possibleLengths: type[1] || possibleLengths })) : undefined,
  };
}

function matchingWhole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** The countries of a geographic calling code; undefined for a non-geographic or unknown one. */
function countriesOfCallingCode(callingCode: string): readonly string[] | undefined {
  const countries = metadata.country_calling_codes[callingCode];
  if (countries === undefined || (countries.length === 1 && countries[0]!.length === 3)) return undefined;
  return countries;
}

function findCallingCode(digits: string): string | undefined {
  for (let length = 1; length <= MAX_CALLING_CODE_DIGITS && length <= digits.length; length++) {
    const callingCode = digits.slice(0, length);
    if (countriesOfCallingCode(callingCode) !== undefined || metadata.nonGeographic[callingCode] !== undefined) return callingCode;
  }
  return undefined;
}

/**
 * The national significant number: the digits after the calling code without a national prefix
 * (+44 020… is +44 20…), unless dropping it turns a number the plan accepts into one it does not
 * (+39 06…, Italy keeps its 0), or leaves too few digits, or a length the plan never has.
 */
function withoutNationalPrefix(digits: string, callingCode: string, plan: NumberingPlan): string {
  const stripped = stripNationalPrefix(digits, plan);
  if (stripped === digits) return digits;
  if (plan.nationalNumber.test(digits) && !plan.nationalNumber.test(stripped)) return digits;
  if (plan.possibleLengths !== undefined) {
    const country = countryOfNumber(callingCode, stripped);
    const possibleLengths = country === undefined ? plan.possibleLengths : planOfCountry(country).possibleLengths;
    if (!isPossibleStartLength(stripped.length, possibleLengths)) return digits;
  }
  return stripped;
}

function stripNationalPrefix(digits: string, plan: NumberingPlan): string {
  if (plan.nationalPrefix === undefined) return digits;
  const match = plan.nationalPrefix.exec(digits);
  if (match === null) return digits;
  const lastGroup = match.length > 1 ? match[match.length - 1] : undefined;
  // A transform rule rewrites the prefix instead: San Marino's +378 812345 is +378 0549 812345.
  if (plan.nationalPrefixTransform !== undefined && lastGroup) return digits.replace(plan.nationalPrefix, plan.nationalPrefixTransform);
  return digits.slice(match[0].length);
}

/** Too long still counts as possible here: only too short or a length between the plan's lengths is refused. */
function isPossibleStartLength(length: number, possibleLengths: readonly number[] | undefined): boolean {
  if (possibleLengths === undefined) return true;
  const shortest = possibleLengths[0]!;
  if (length === shortest) return true;
  if (length < shortest) return false;
  if (length > possibleLengths[possibleLengths.length - 1]!) return true;
  return possibleLengths.includes(length);
}

/**
 * The country of a calling code that a national number belongs to: the only one, or the first whose
 * leading digits match, or, for a country without leading digits, whose number types accept it.
 */
function countryOfNumber(callingCode: string, nationalNumber: string): string | undefined {
  const countries = countriesOfCallingCode(callingCode);
  if (countries === undefined) return undefined;
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planOfCountry(country);
    if (plan.leadingDigits !== undefined) {
      if (nationalNumber !== "" && plan.leadingDigits.test(nationalNumber)) return country;
    } else if (plan.types !== undefined && hasNumberType(plan, nationalNumber)) {
      return country;
    }
  }
  return undefined;
}

/** The number is of one of the plan's types (fixed line, mobile, …), its length included. */
function hasNumberType(plan: NumberingPlan, nationalNumber: string): boolean {
  if (plan.types === undefined || !plan.nationalNumber.test(nationalNumber)) return false;
  return plan.types.some((type) => (type.possibleLengths === undefined || type.possibleLengths.includes(nationalNumber.length)) && type.pattern.test(nationalNumber));
}
