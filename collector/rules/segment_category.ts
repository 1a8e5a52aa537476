import { z } from "zod";
import { counted, severityForCount, thresholds } from "./params.js";
import type { RuleDefinition } from "./types.js";

/** Case, surrounding space and the spelling of separators folded: "Office Supplies", "office_supplies" and "office-supplies" are one label. */
export function foldLabel(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_-]+/g, " ");
}

const label = z.string().refine((text) => foldLabel(text) !== "", "an empty name");

/** Segment → the categories a buyer of that segment usually buys; keys and categories compared with case folded. */
const segments = z
  .record(z.string(), z.array(label).min(1, "at least one category"))
  .superRefine((table, ctx) => {
    const seen = new Map<string, string>();
    for (const name of Object.keys(table)) {
      const folded = foldLabel(name);
      if (folded === "") ctx.addIssue({ code: "custom", path: [name], message: "a segment needs a name" });
      const earlier = seen.get(folded);
      if (earlier !== undefined) ctx.addIssue({ code: "custom", path: [name], message: `the same segment as "${earlier}" (segments are compared without case)` });
      seen.set(folded, name);
    }
    if (Object.keys(table).length === 0) ctx.addIssue({ code: "custom", message: "at least one segment, e.g. { \"restaurant\": [\"food\", \"kitchen\"] }" });
  })
  .transform((table) => new Map(Object.entries(table).map(([name, categories]) => [foldLabel(name), new Set(categories.map(foldLabel))])));

const params = z.strictObject({
  segments,
  /** Units in categories outside the segment's usual ones, per severity. */
  thresholds,
});
type Params = z.output<typeof params>;

/** A basket that does not fit the buyer's business: does a small pizzeria need 20 new iPhones? */
export const segment_category: RuleDefinition<Params> = {
  id: "segment_category",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const segment = ctx.order.customer?.segment;
    if (segment === undefined) return { severity: "none" };
    const usual = p.segments.get(foldLabel(segment));
    if (usual === undefined) return { severity: "none" };
    // Items without a category are not judged: nothing says they are unusual.
    const outside = new Map<string, number>();
    for (const item of ctx.order.items ?? []) {
      if (item.category === undefined || foldLabel(item.category) === "") continue;
      const category = foldLabel(item.category);
      if (!usual.has(category)) outside.set(category, (outside.get(category) ?? 0) + item.quantity);
    }
    const units = [...outside.values()].reduce((sum, n) => sum + n, 0);
    if (units === 0) return { severity: "none", detail: `every categorised item is usual for the segment "${foldLabel(segment)}"` };
    const list = [...outside].sort((a, b) => b[1] - a[1]).map(([category, n]) => `${category} (${n})`).join(", ");
    return {
      severity: severityForCount(units, p.thresholds),
      detail: `a basket with ${counted(units, "unit")} in categories unusual for the segment "${foldLabel(segment)}": ${list}`,
    };
  },
};
