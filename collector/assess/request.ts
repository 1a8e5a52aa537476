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

const createdAtSchema = orderSchema.shape.customer.unwrap().shape.createdAt;

/**
 * The assess body as `assessRequestSchema.parse` would give it, checked by hand, or undefined for
 * anything it does not plainly accept: the caller then parses with the schema, which names the
 * problem. Every assess goes through here, and the schema's generic walk cost as much as all the
 * rules together. Accepts a subset of what the schema accepts (the test compares them), so the schema
 * stays the definition.
 */
export function readAssessRequest(value: unknown): AssessRequest | undefined {
  if (!isPlainObject(value)) return undefined;
  let order: Order | undefined;
  let token: string | undefined;
  let ip: string | undefined;
  for (const key in value) {
    const field = value[key];
    if (key === "order") order = readOrder(field);
    else if (key === "token") {
      if (typeof field !== "string" || field.length > 8192) return undefined;
      token = field;
    } else if (key === "ip") {
      if (typeof field !== "string" || isIP(field.trim().replace(/^\[|\]$/g, "")) === 0) return undefined;
      ip = field;
    } else return undefined;
  }
  if (order === undefined) return undefined;
  const request = {} as AssessRequest;
  if (token !== undefined) request.token = token;
  if (ip !== undefined) request.ip = ip;
  request.order = order;
  return request;
}

type Fields = Record<string, unknown>;

/** An object with named fields, as JSON decodes one (not null, not an array). */
export function isPlainObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `text(max)`: trimmed, then at most `max` long (and at least `min`). */
function readText(value: unknown, max: number, min = 0): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text.length <= max && text.length >= min ? text : undefined;
}

function isMinorUnits(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= 1e13;
}

const ORDER_KEYS = ["id", "amount", "currency", "email", "phone", "customer", "billing", "shipping", "items", "payment"] as const;

/** An order as `orderSchema.parse` would give it, checked by hand (see readAssessRequest), or undefined for anything it does not plainly accept. */
export function readOrder(value: unknown): Order | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const key in value) if (!(ORDER_KEYS as readonly string[]).includes(key)) return undefined;
  const order = {} as Order;
  const id = readText(value.id, 200, 1);
  if (id === undefined) return undefined;
  order.id = id;
  if (value.amount !== undefined) {
    if (!isMinorUnits(value.amount)) return undefined;
    order.amount = value.amount;
  }
  if (value.currency !== undefined) {
    if (typeof value.currency !== "string" || !/^[A-Z]{3}$/.test(value.currency)) return undefined;
    order.currency = value.currency;
  }
  if (value.email !== undefined) {
    const email = readText(value.email, 320);
    if (email === undefined || normaliseEmail(email) === undefined) return undefined;
    order.email = email;
  }
  if (value.phone !== undefined) {
    const phone = readText(value.phone, 40);
    if (phone === undefined || normalisePhone(phone) === undefined) return undefined;
    order.phone = phone;
  }
  if (value.customer !== undefined) {
    const customer = readCustomer(value.customer);
    if (customer === undefined) return undefined;
    order.customer = customer;
  }
  if (value.billing !== undefined) {
    const billing = readAddress(value.billing);
    if (billing === undefined) return undefined;
    order.billing = billing;
  }
  if (value.shipping !== undefined) {
    const shipping = readAddress(value.shipping);
    if (shipping === undefined) return undefined;
    order.shipping = shipping;
  }
  if (value.items !== undefined) {
    if (!Array.isArray(value.items) || value.items.length > 500) return undefined;
    const items: NonNullable<Order["items"]> = [];
    for (const raw of value.items) {
      const item = readItem(raw);
      if (item === undefined) return undefined;
      items.push(item);
    }
    order.items = items;
  }
  if (value.payment !== undefined) {
    const payment = readPayment(value.payment);
    if (payment === undefined) return undefined;
    order.payment = payment;
  }
  return order;
}

/** Copies the optional text fields of `value` named in `limits` (all of its keys must be named there); undefined if one is not text within its limit. */
function readTexts<T extends Fields>(value: unknown, limits: Readonly<Record<string, number>>, special?: (key: string, field: unknown, into: Fields) => boolean): T | undefined {
  if (!isPlainObject(value)) return undefined;
  const into: Fields = {};
  for (const key in limits) {
    const field = value[key];
    if (field === undefined) continue;
    const max = limits[key]!;
    if (max < 0) {
      if (!special?.(key, field, into)) return undefined;
      continue;
    }
    const text = readText(field, max);
    if (text === undefined) return undefined;
    into[key] = text;
  }
  for (const key in value) if (!Object.hasOwn(limits, key)) return undefined;
  return into as T;
}

/** -1: checked by the reader's own `special`. */
const CUSTOMER_LIMITS = { id: -1, createdAt: -1, name: 200, orgNumber: 40, segment: 100 };
const ADDRESS_LIMITS = { name: 200, line1: 300, line2: 300, postalCode: 20, city: 100, country: -1 };
const ITEM_LIMITS = { sku: 200, name: 300, category: 100, quantity: -1, unitPrice: -1 };
const PAYMENT_LIMITS = { method: 50, cardBin: -1, cardLast4: -1 };

function readCustomer(value: unknown): Order["customer"] | undefined {
  return readTexts(value, CUSTOMER_LIMITS, (key, field, into) => {
    if (key === "id") {
      const id = readText(field, 200, 1);
      if (id === undefined) return false;
      into.id = id;
      return true;
    }
    if (typeof field !== "string" || !createdAtSchema.safeParse(field).success) return false;
    into.createdAt = field;
    return true;
  });
}

function readAddress(value: unknown): NonNullable<Order["shipping"]> | undefined {
  return readTexts(value, ADDRESS_LIMITS, (_key, field, into) => {
    if (typeof field !== "string" || !/^[A-Z]{2}$/.test(field)) return false;
    into.country = field;
    return true;
  });
}

function readItem(value: unknown): NonNullable<Order["items"]>[number] | undefined {
  const item = readTexts<NonNullable<Order["items"]>[number]>(value, ITEM_LIMITS, (key, field, into) => {
    if (key === "unitPrice") {
      if (!isMinorUnits(field)) return false;
      into.unitPrice = field;
      return true;
    }
    if (typeof field !== "number" || !Number.isSafeInteger(field) || field < 1 || field > 1_000_000) return false;
    into.quantity = field;
    return true;
  });
  return item?.quantity === undefined ? undefined : item;
}

function readPayment(value: unknown): Order["payment"] | undefined {
  return readTexts(value, PAYMENT_LIMITS, (key, field, into) => {
    if (typeof field !== "string" || !(key === "cardBin" ? /^\d{6,8}$/ : /^\d{4}$/).test(field)) return false;
    into[key] = field;
    return true;
  });
}
