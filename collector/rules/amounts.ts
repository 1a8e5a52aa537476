import { z } from "zod";
import { mustRise, severityLevels } from "./params.js";
import type { Order } from "../assess/request.js";

/**
 * A record whose keys must match `key` (e.g. currency or country codes). Every bad key is refused
 * with its own path and a message saying what was expected; zod's own record only says "Invalid key".
 */
export function recordOf<V extends z.ZodType>(key: RegExp, keyDescription: string, value: V) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      if (!key.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not ${keyDescription}` });
    }
  });
}

/** An amount in minor units (öre, cents), as orders carry them. */
export const minorAmount = z.int("an integer amount in minor units (e.g. öre, cents)").min(1, "at least 1 (minor units)").max(1e13);

/** Amounts per currency, e.g. `{ "SEK": 150000, "EUR": 15000 }`: an order in a currency not listed is not judged. */
export const perCurrency = recordOf(/^[A-Z]{3}$/, "an ISO 4217 currency code such as SEK (upper-case)", minorAmount).refine(
  (record) => Object.keys(record).length > 0,
  "at least one currency, e.g. { \"SEK\": 150000 }",
);
export type PerCurrency = z.output<typeof perCurrency>;

export const countryCode = /^[A-Z]{2}$/;

/** The order's amount: `amount` when given, otherwise the sum of its priced items; undefined when unknown. */
export function basketAmount(order: Order): number | undefined {
  if (order.amount !== undefined) return order.amount;
  const items = order.items ?? [];
  if (items.length === 0 || items.some((item) => item.unitPrice === undefined)) return undefined;
  return items.reduce((sum, item) => sum + item.quantity * item.unitPrice!, 0);
}

/** The amount for the order's currency in a per-currency table; undefined without a currency or when it is not listed. */
export function forCurrency(table: PerCurrency, currency: string | undefined): number | undefined {
  return currency === undefined || !Object.hasOwn(table, currency) ? undefined : table[currency];
}

/** ISO 4217 currencies whose minor unit is not a hundredth; every other currency has two decimals. */
const FRACTION_DIGITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/**
 * 1299000, "SEK" → "12,990.00 SEK"; 5000, "JPY" → "5,000 JPY". For detail texts read by analysts.
 * Written by hand: a first Intl.NumberFormat takes ~30 ms, more than a rule's whole time budget.
 */
export function formatMoney(minorUnits: number, currency: string): string {
  const digits = Object.hasOwn(FRACTION_DIGITS, currency) ? FRACTION_DIGITS[currency]! : 2;
  const sign = minorUnits < 0 ? "-" : "";
  const abs = Math.abs(Math.round(minorUnits));
  const scale = 10 ** digits;
  const whole = groupThousands(Math.floor(abs / scale));
  const fraction = digits === 0 ? "" : `.${(abs % scale).toString().padStart(digits, "0")}`;
  return `${sign}${whole}${fraction} ${currency}`;
}

/** 1299000 → "1,299,000"; a number past 2^53 (written in exponent form beyond 1e21) by the general rule. */
function groupThousands(n: number): string {
  const digits = n.toString();
  if (!Number.isSafeInteger(n)) return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (digits.length <= 3) return digits;
  const head = digits.length % 3 || 3;
  let grouped = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return grouped;
}

const AGE_UNITS = [
  ["day", 86_400_000, 2],
  ["hour", 3_600_000, 1],
  ["minute", 60_000, 1],
] as const;

/** 42_000 → "42 seconds", 240_000 → "4 minutes", 5_400_000 → "1.5 hours", 3 days and up in days. */
export function describeAge(ms: number): string {
  for (const [unit, size, minimum] of AGE_UNITS) {
    if (ms >= size * minimum) {
      const value = Math.round((ms / size) * 10) / 10;
      return `${value} ${value === 1 ? unit : `${unit}s`}`;
    }
  }
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
}

/**
 * Multipliers per severity (e.g. `{ "medium": 10, "high": 25 }`: 10× and 25× a typical amount), each
 * above the one below it, like count thresholds but not necessarily whole numbers.
 */
export const multipliers = severityLevels(
  z.number().min(1, "at least 1 (×1 is the typical amount itself)").max(1e6),
  "rising",
  mustRise,
);
