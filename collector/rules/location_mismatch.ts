import ct from "countries-and-timezones";
import { z } from "zod";
import { countryCode, recordOf } from "./amounts.js";
import { severity } from "./params.js";
import { SEVERITIES, type RuleDefinition, type Severity } from "./types.js";

const language = z.string().regex(/^[a-z]{2,3}$/, "not a language code: 2 or 3 lower-case letters (ISO 639), e.g. sv");

const params = z.strictObject({
  /** The browser's time zone is not used in the shipping country. */
  timezone: severity.default("low"),
  /** Also judge the browser's languages (off by default: many people browse in English, or in their first language abroad). */
  requireLanguage: z.boolean().default(false),
  /** With requireLanguage: none of the browser's languages is one of the shipping country's. */
  language: severity.default("low"),
  /** Languages that fit any country (with requireLanguage). */
  anyLanguages: z.array(language).max(50).default(["en"]),
  /** Per country, languages besides its main one (with requireLanguage), e.g. `{ "FI": ["sv"], "CH": ["fr", "it"] }`. */
  countryLanguages: recordOf(countryCode, "a country code such as SE (ISO 3166-1 alpha-2, upper-case)", z.array(language).max(50)).default({}),
});
type Params = z.output<typeof params>;

/** The known zones' countries: the table copies its zone object on every look-up. */
const zoneCountriesByName = new Map<string, readonly string[]>();

/** The countries a time zone is used in; undefined for a name the table does not know. Old names (Europe/Kiev) are known too. */
function timezoneCountries(name: string): readonly string[] | undefined {
  let countries = zoneCountriesByName.get(name);
  if (countries === undefined) {
    countries = ct.getTimezone(name)?.countries;
    // Only the table's own names are kept, so the map cannot grow with made-up names.
    if (countries !== undefined) zoneCountriesByName.set(name, countries);
  }
  return countries;
}

const mainLanguages = new Map<string, string | undefined>();

/** The country's most likely language from CLDR (und-SE → sv), or undefined. */
function mainLanguage(country: string): string | undefined {
  if (!mainLanguages.has(country)) {
    let language: string | undefined;
    try {
      language = new Intl.Locale(`und-${country}`).maximize().language;
    } catch {
      language = undefined;
    }
    mainLanguages.set(country, language);
  }
  return mainLanguages.get(country);
}

function fitsCountry(tag: string, country: string, languages: ReadonlySet<string>): boolean {
  try {
    const locale = new Intl.Locale(tag);
    return locale.region === country || languages.has(locale.language);
  } catch {
    return false;
  }
}

/**
 * The browser's time zone (and optionally its languages) against the shipping country: a
 * shopper's browser is set up where they live, a fraudster's where the fraudster is. IP
 * geolocation needs a geo database, which Vakt does not configure.
 */
export const location_mismatch: RuleDefinition<Params> = {
  id: "location_mismatch",
  params,
  reads: () => ({}),
  prepare(p) {
    if (p.requireLanguage) mainLanguage("SE"); // a first Intl.Locale takes ~7 ms
  },
  evaluate(ctx, p) {
    const signals = ctx.signals;
    const country = ctx.order.shipping?.country;
    if (!signals || country === undefined) return { severity: "none" };
    const found: { severity: Severity; text: string }[] = [];

    const zone = signals.timezone;
    const zoneCountries = zone === undefined ? undefined : timezoneCountries(zone);
    // A zone used in no country (UTC, Etc/GMT+3) or unknown to the table says nothing about a place.
    if (zoneCountries !== undefined && zoneCountries.length > 0 && !zoneCountries.includes(country)) {
      found.push({ severity: p.timezone, text: `the browser's time zone ${zone} is used in ${zoneCountries.join(", ")}, not in the shipping country ${country}` });
    }

    const tags = signals.languages ?? [];
    if (p.requireLanguage && tags.length > 0) {
      const fitting = new Set([...p.anyLanguages, ...(p.countryLanguages[country] ?? [])]);
      const main = mainLanguage(country);
      if (main !== undefined) fitting.add(main);
      if (!tags.some((tag) => fitsCountry(tag, country, fitting))) {
        found.push({ severity: p.language, text: `none of the browser's languages (${tags.slice(0, 5).map((t) => t.slice(0, 35)).join(", ")}) is spoken in the shipping country ${country}` });
      }
    }

    if (found.length === 0) return { severity: "none" };
    const active = found.filter((f) => f.severity !== "none");
    if (active.length === 0) return { severity: "none" };
    const worst = active.reduce((a, b) => (SEVERITIES.indexOf(b.severity) > SEVERITIES.indexOf(a.severity) ? b : a));
    return { severity: worst.severity, detail: active.map((f) => f.text).join("; ") };
  },
};
