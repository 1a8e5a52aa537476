// From the posted checkout form to an order (CONTRACT §5) and the collector's answer.

import { createHash, randomBytes } from "node:crypto";
import { CURRENCY, findProduct, type Product } from "./catalogue.js";
import { COUNTRIES, type AssessAnswer, type AssessOutcome, type CheckoutValues } from "./pages.js";

const MAX_LENGTHS: Record<keyof CheckoutValues, number> = {
  name: 200,
  email: 254,
  phone: 40,
  line1: 200,
  postalCode: 20,
  city: 100,
  country: 2,
  quantity: 2,
};

const LABELS: Record<keyof CheckoutValues, string> = {
  name: "Full name",
  email: "E-mail",
  phone: "Phone",
  line1: "Address",
  postalCode: "Postal code",
  city: "City",
  country: "Country",
  quantity: "Quantity",
};

const REQUIRED = ["name", "email", "line1", "postalCode", "city", "country"] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{5,}$/;
const COUNTRY_CODES = new Set(COUNTRIES.map(([code]) => code));

export type ParsedCheckout =
  | { kind: "unknown_product"; sku: string }
  | { kind: "invalid"; product: Product; values: CheckoutValues; errors: string[] }
  | { kind: "ok"; product: Product; values: CheckoutValues; quantity: number; token: string };

export function parseCheckout(form: URLSearchParams): ParsedCheckout {
  const sku = (form.get("sku") ?? "").trim();
  const product = findProduct(sku);
  if (!product) return { kind: "unknown_product", sku };

  const read = (key: keyof CheckoutValues): string => (form.get(key) ?? "").trim();
  const values: CheckoutValues = {
    name: read("name"),
    email: read("email"),
    phone: read("phone"),
    line1: read("line1"),
    postalCode: read("postalCode"),
    city: read("city"),
    country: read("country").toUpperCase(),
    quantity: read("quantity"),
  };

  const errors: string[] = [];
  for (const key of REQUIRED) {
    if (values[key] === "") errors.push(`${LABELS[key]} is required.`);
  }
  for (const key of Object.keys(values) as Array<keyof CheckoutValues>) {
    if (values[key].length > MAX_LENGTHS[key]) {
      errors.push(`${LABELS[key]} is too long (at most ${MAX_LENGTHS[key]} characters).`);
    }
  }
  if (values.email !== "" && !EMAIL.test(values.email)) {
    errors.push("E-mail does not look like an e-mail address.");
  }
  if (values.phone !== "" && !PHONE.test(values.phone)) {
    errors.push("Phone may only contain digits, spaces, +, - and brackets.");
  }
  if (values.country !== "" && !COUNTRY_CODES.has(values.country)) {
    errors.push("Country is not one we deliver to.");
  }
  const quantity = /^\d{1,2}$/.test(values.quantity) ? Number(values.quantity) : NaN;
  if (!(quantity >= 1 && quantity <= 99)) {
    errors.push("Quantity must be a whole number from 1 to 99.");
  }

  if (errors.length > 0) return { kind: "invalid", product, values, errors };
  return { kind: "ok", product, values, quantity, token: (form.get("vakt_token") ?? "").trim() };
}

/** The order as the assess API takes it. */
export interface Order {
  id: string;
  amount: number;
  currency: string;
  email: string;
  phone?: string;
  customer: { id: string; name: string };
  billing: Address;
  shipping: Address;
  items: Array<{ sku: string; name: string; category: string; quantity: number; unitPrice: number }>;
}

interface Address {
  name: string;
  line1: string;
  postalCode: string;
  city: string;
  country: string;
}

export function newOrderId(): string {
  return "ord_" + randomBytes(8).toString("hex");
}

/** A stable demo customer id per e-mail address (a real shop uses its own account ids). */
export function customerIdFor(email: string): string {
  return "c_" + createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 16);
}

export function buildOrder(id: string, product: Product, values: CheckoutValues, quantity: number): Order {
  const address: Address = {
    name: values.name,
    line1: values.line1,
    postalCode: values.postalCode,
    city: values.city,
    country: values.country,
  };
  return {
    id,
    amount: product.unitPrice * quantity,
    currency: CURRENCY,
    email: values.email,
    ...(values.phone === "" ? {} : { phone: values.phone }),
    customer: { id: customerIdFor(values.email), name: values.name },
    billing: address,
    shipping: { ...address },
    items: [
      {
        sku: product.sku,
        name: product.name,
        category: product.category,
        quantity,
        unitPrice: product.unitPrice,
      },
    ],
  };
}

export interface AssessRequest {
  assessUrl: string;
  secretKey: string;
  token: string;
  ip: string | undefined;
  order: Order;
  timeoutMs: number;
}

/** Calls POST /v1/assess. Never throws: a failure comes back as `{ kind: "error" }`. */
export async function assessOrder(request: AssessRequest): Promise<AssessOutcome> {
  const body = {
    ...(request.token === "" ? {} : { token: request.token }),
    ...(request.ip === undefined ? {} : { ip: request.ip }),
    order: request.order,
  };
  try {
    const response = await fetch(`${request.assessUrl}/v1/assess`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${request.secretKey}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) {
      const code = isRecord(json) && typeof json.error === "string" ? ` ${json.error}` : "";
      return { kind: "error", message: `collector answered HTTP ${response.status}${code}` };
    }
    const answer = toAnswer(json);
    if (!answer) return { kind: "error", message: "collector answered with an unexpected body" };
    return { kind: "assessed", answer };
  } catch (error) {
    return { kind: "error", message: describeFetchError(error) };
  }
}

/** A JSON call to the collector with the site's secret key; never throws (ok false on any failure). */
export type CollectorCall = (method: "GET" | "POST", path: string, body?: unknown) => Promise<{ ok: boolean; json: any }>;

export function collectorCall(baseUrl: string, secretKey: string, timeoutMs: number): CollectorCall {
  return async (method, path, body) => {
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${secretKey}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { ok: response.ok, json: parseJson(await response.text()) };
    } catch {
      return { ok: false, json: undefined };
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DECISIONS = new Set(["allow", "challenge", "review", "deny"]);

export function toAnswer(json: unknown): AssessAnswer | undefined {
  if (!isRecord(json)) return undefined;
  const { id, orderId, decision, score, token, reasons, device } = json;
  if (typeof id !== "string" || typeof decision !== "string" || !DECISIONS.has(decision)) {
    return undefined;
  }
  const answer: AssessAnswer = {
    id,
    orderId: typeof orderId === "string" ? orderId : "",
    decision: decision as AssessAnswer["decision"],
  };
  if (typeof score === "number") answer.score = score;
  if (isRecord(token) && typeof token.status === "string") answer.token = { status: token.status };
  if (Array.isArray(reasons)) {
    answer.reasons = reasons.filter(isRecord).map((reason) => ({
      rule: String(reason.rule ?? ""),
      severity: String(reason.severity ?? ""),
      detail: String(reason.detail ?? ""),
    }));
  }
  if (isRecord(device)) {
    answer.device = {
      ...(typeof device.id === "string" ? { id: device.id } : {}),
      ...(typeof device.firstSeen === "string" ? { firstSeen: device.firstSeen } : {}),
      ...(typeof device.attempts === "number" ? { attempts: device.attempts } : {}),
    };
  }
  return answer;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return "collector did not answer in time";
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return `collector unreachable (${cause.code})`;
  return `collector unreachable (${error instanceof Error ? error.message : String(error)})`;
}
