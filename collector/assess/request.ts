import { isIP } from "node:net";
import { z } from "zod";
import { normaliseEmail, normalisePhone } from "../identity/normalise.js";

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const minorUnits = z.int("an integer amount in minor units (e.g. öre, cents)").min(0).max(1e13);

const address = z.strictObject({
  name: text(200).optional(),
  line1: text(300).optional(),
  line2: text(300).optional(),
  postalCode: text(20).optional(),
  city: text(100).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code such as SE").optional(),
});

export const orderSchema = z.strictObject({
  id: text(200).min(1, "required"),
  amount: minorUnits.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code such as SEK").optional(),
  email: text(320).refine((v) => normaliseEmail(v) !== undefined, "not an e-mail address").optional(),
  phone: text(40).refine((v) => normalisePhone(v) !== undefined, "not a phone number (6 to 15 digits, optionally +country code)").optional(),
  customer: z
    .strictObject({
      id: text(200).min(1).optional(),
      createdAt: z.iso.datetime({ offset: true, message: "an ISO-8601 date-time such as 2026-11-20T10:00:00Z" }).optional(),
      name: text(200).optional(),
      orgNumber: text(40).optional(),
      segment: text(100).optional(),
    })
    .optional(),
  billing: address.optional(),
  shipping: address.optional(),
  items: z
    .array(
      z.strictObject({
        sku: text(200).optional(),
        name: text(300).optional(),
        category: text(100).optional(),
        quantity: z.int().min(1).max(1_000_000),
        unitPrice: minorUnits.optional(),
      }),
    )
    .max(500)
    .optional(),
  payment: z
    .strictObject({
      method: text(50).optional(),
      cardBin: z.string().regex(/^\d{6,8}$/, "6 to 8 digits").optional(),
      cardLast4: z.string().regex(/^\d{4}$/, "4 digits").optional(),
    })
    .optional(),
});

export const assessRequestSchema = z.strictObject({
  token: z.string().max(8192).optional(),
  ip: z.string().refine((v) => isIP(v.trim().replace(/^\[|\]$/g, "")) !== 0, "not an IP address").optional(),
  order: orderSchema,
});

export type Order = z.output<typeof orderSchema>;
export type AssessRequest = z.output<typeof assessRequestSchema>;
