import { z } from "zod";
import { forCurrency, formatMoney, perCurrency } from "./amounts.js";
import { severityForCount, thresholds } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({
  /** Per currency, in minor units: items priced at least this much per unit are "high-value". */
  minUnitPrice: perCurrency,
  /** Units of one high-value item per severity. */
  thresholds,
});
type Params = z.output<typeof params>;

interface Line {
  label: string;
  quantity: number;
  unitPrice: number;
}

/** Many units of one high-value item: phones, laptops and gift cards are bought in bulk to be resold. */
export const quantity_anomaly: RuleDefinition<Params> = {
  id: "quantity_anomaly",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const min = forCurrency(p.minUnitPrice, ctx.order.currency);
    if (min === undefined) return { severity: "none" };
    // One item may be split over several lines: lines with the same sku (or name) are counted together.
    const byItem = new Map<string, Line>();
    (ctx.order.items ?? []).forEach((item, i) => {
      if (item.unitPrice === undefined || item.unitPrice < min) return;
      const key = item.sku !== undefined && item.sku !== "" ? `sku:${item.sku}` : item.name ? `name:${item.name.toLowerCase()}` : `line:${i}`;
      const label = item.name && item.sku ? `${item.name} (${item.sku})` : (item.name || item.sku || `item ${i + 1}`);
      const line = byItem.get(key);
      if (line) {
        line.quantity += item.quantity;
        line.unitPrice = Math.max(line.unitPrice, item.unitPrice);
      } else {
        byItem.set(key, { label, quantity: item.quantity, unitPrice: item.unitPrice });
      }
    });
    let most: Line | undefined;
    for (const line of byItem.values()) if (most === undefined || line.quantity > most.quantity) most = line;
    if (most === undefined) return { severity: "none" };
    return {
      severity: severityForCount(most.quantity, p.thresholds),
      detail: `${most.quantity} × ${most.label} at ${formatMoney(most.unitPrice, ctx.order.currency!)} a unit (high-value from ${formatMoney(min, ctx.order.currency!)})`,
    };
  },
};
