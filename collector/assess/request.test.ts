import { describe, expect, it } from "vitest";
import { assessRequestSchema, readAssessRequest } from "./request.js";

// Every assess body is read by hand first (readAssessRequest) and by the schema only when the quick
// reader does not plainly accept it. A merchant must get exactly what the schema gives: the same
// trimmed fields, and a 400 for everything the schema refuses, never a quietly accepted bad order.

const order = {
  id: " ord_1 ",
  amount: 129_900,
  currency: "SEK",
  email: " Anna.Berg+shop@Example.com ",
  phone: "+46 70 123 45 67",
  customer: { id: "c_42", createdAt: "2026-11-20T10:00:00+01:00", name: "Anna Berg", orgNumber: "556677-8899", segment: "restaurant" },
  billing: { name: "Anna Berg", line1: "Storgatan 1", postalCode: "111 22", city: "Stockholm", country: "SE" },
  shipping: { name: " Anna Berg", line1: "Storgatan 1", line2: "lgh 1101", postalCode: "111 22", city: "Stockholm", country: "SE" },
  items: [
    { sku: "A1", name: "Phone", category: "electronics", quantity: 2, unitPrice: 64_950 },
    { quantity: 1 },
  ],
  payment: { method: "card", cardBin: "45717360", cardLast4: "1234" },
};
const request = { token: "eyJhbGciOi.x.y", ip: " 203.0.113.7 ", order };

/** Each field of the example replaced by values the schema accepts or refuses, and a few whole-body oddities. */
function variants(): unknown[] {
  const odd: unknown[] = [null, undefined, 0, "", " ", "x".repeat(401), 1.5, -1, 1e13, 1e13 + 1, 2 ** 60, true, [], {}, ["a"], "2026-02-30T00:00:00Z", "2026-11-20T10:00:00Z", "2026-11-20", "SE", "se", "SEK", "123456", "1234", "12345", "+46701234567", "0701234567", "12", "a@b", "a@b.se", "  \u00e5sa@exempel.se ", "not an ip", "::1", "[::1]", "1.2.3.4"];
  const out: unknown[] = [request, { order }, { order: { id: "x" } }, {}, [], null, "order", { order, extra: 1 }, { order: { ...order, extra: 1 } }, { order, __proto__: { x: 1 } }, JSON.parse('{"order":{"id":"x","__proto__":{"a":1}}}')];
  const withField = (path: string[], value: unknown): unknown => {
    const copy = structuredClone(request) as Record<string, unknown>;
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[path[path.length - 1]!] = value;
    return copy;
  };
  const paths: string[][] = [["token"], ["ip"]];
  for (const key of Object.keys(order)) paths.push(["order", key]);
  for (const part of ["customer", "billing", "shipping", "payment"] as const) {
    for (const key of [...Object.keys(order[part]), "extra"]) paths.push(["order", part, key]);
  }
  for (const key of ["sku", "name", "category", "quantity", "unitPrice", "extra"]) paths.push(["order", "items", "0", key]);
  for (const path of paths) for (const value of odd) out.push(withField(path, value));
  out.push(withField(["order", "items"], Array.from({ length: 501 }, () => ({ quantity: 1 }))));
  out.push(withField(["order", "items"], [...order.items, null]));
  return out;
}

describe("readAssessRequest", () => {
  it("reads an ordinary order as the schema does", () => {
    const quick = readAssessRequest(structuredClone(request));
    expect(quick).toBeDefined();
    expect(JSON.stringify(quick)).toBe(JSON.stringify(assessRequestSchema.parse(structuredClone(request))));
  });

  it("accepts only what the schema accepts, with the same fields in the same order", () => {
    let quickCount = 0;
    let refused = 0;
    for (const body of variants()) {
      const quick = readAssessRequest(body);
      const parsed = assessRequestSchema.safeParse(body);
      if (!parsed.success) refused++;
      if (quick === undefined) continue;
      quickCount++;
      expect(parsed.success, JSON.stringify(body)).toBe(true);
      expect(JSON.stringify(quick)).toBe(JSON.stringify(parsed.data));
    }
    expect(refused).toBeGreaterThan(200);
    expect(quickCount).toBeGreaterThan(200);
  });
});
