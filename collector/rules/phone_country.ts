import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/core";
import metadata from "libphonenumber-js/min/metadata";
import { z } from "zod";
import { countryCode, recordOf } from "./amounts.js";
import { severity } from "./params.js";
import { readPhoneFacts } from "./phone-facts.js";
import type { RuleDefinition } from "./types.js";

const prefix = z.string().regex(/^\+\d{1,4}$/, "not a phone prefix: a + and 1 to 4 digits, e.g. +47");

const params = z.strictObject({
  /** The number cannot be a phone number in the shipping country (or, written with +, in its own). */
  invalid: severity.default("medium"),
  /** A valid number of another country than the shipping country, and not one of its allowed prefixes. */
  otherCountry: severity.default("low"),
  /** Per shipping country, more prefixes that are not "another country", e.g. `{ "SE": ["+47", "+45"] }`. */
  allowedPrefixes: recordOf(countryCode, "a country code such as SE (ISO 3166-1 alpha-2, upper-case)", z.array(prefix).max(50)).default({}),
});
type Params = z.output<typeof params>;

/**
 * A phone number that cannot be dialled, or belongs to another country than the delivery: made-up
 * numbers dodge the SMS step-up and the call-back, and mules abroad give their own numbers. The
 * detail names the country code, never the number: Vakt keeps no raw identifiers.
 */
export const phone_country: RuleDefinition<Params> = {
  id: "phone_country",
  params,
  reads: () => ({}),
  prepare() {
    parsePhoneNumberFromString("+46701234567", "SE", metadata)?.isValid(); // the library's first parse builds its tables (~5 ms)
  },
  evaluate(ctx, p) {
    const phone = ctx.order.phone?.trim();
    const shipTo = ctx.order.shipping?.country;
    const home = shipTo === undefined ? undefined : callingCodeOf(shipTo);
    if (!phone || home === undefined) return { severity: "none" };
    const country = shipTo as CountryCode;
    const parsed = readPhoneFacts(phone, country);
    if (parsed === undefined) return { severity: p.invalid, detail: `the phone number cannot be read as a number in the shipping country ${country}` };
    // Compared by calling code, so that countries sharing one (US and CA, GB and JE) count as one.
    const code = parsed.countryCallingCode;
    if (!parsed.isValid) {
      const where = code === home ? `in the shipping country ${country}` : `for its country code +${code}`;
      return { severity: p.invalid, detail: `the phone number (+${code} and ${parsed.nationalDigits} digits) is not a valid number ${where}` };
    }
    if (code === home) return { severity: "none" };
    const allowed = p.allowedPrefixes[country] ?? [];
    const e164 = parsed.number;
    const match = allowed.find((prefix) => e164.startsWith(prefix));
    if (match !== undefined) return { severity: "none", detail: `the phone number's prefix ${match} is allowed for ${country}` };
    const from = parsed.country === undefined ? `+${parsed.countryCallingCode}` : `${parsed.country} (+${parsed.countryCallingCode})`;
    return { severity: p.otherCountry, detail: `the phone number is from ${from}; the order ships to ${country} (+${home})` };
  },
};

/** Each shipping country's calling code (undefined: not a country the metadata knows), looked up once: the library builds a metadata object per look-up. */
const callingCodes = new Map<string, string | undefined>();

function callingCodeOf(country: string): string | undefined {
  if (callingCodes.has(country)) return callingCodes.get(country);
  const code = isSupportedCountry(country as CountryCode, metadata) ? getCountryCallingCode(country as CountryCode, metadata) : undefined;
  // Shipping countries come from orders: only the metadata's countries (about 250) are kept.
  if (code !== undefined) callingCodes.set(country, code);
  return code;
}
