import { cpus, loadavg } from "node:os";

/**
 * The machine a figure was measured on, with the 1-minute load average as it was measured (above
 * ~0.5, others were using the cores) and its pace at that moment.
 */
export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  loadAverage: number;
  /**
   * Milliseconds one core took, as the figure was taken, for a fixed piece of work (JSON round trips
   * of an order-sized object; see `pace`): lower is faster. On a shared virtual machine the host's
   * other tenants can slow every core two-fold from one minute to the next with no steal or load
   * showing (8 to 17 ms within a minute on the development machine), and a figure says as much about
   * that as about the code: compare figures taken at similar paces.
   */
  paceMs: number;
}

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    paceMs: pace(),
  };
}

/** The prefix of every printed result line: cores, load average and pace. */
export function machineTag(at: Machine): string {
  return `[${at.cores} cores, load ${at.loadAverage}, pace ${at.paceMs} ms]`;
}

const REFERENCE = {
  id: "ord_100001",
  amount: 12900,
  currency: "SEK",
  email: "persson.christina@example.se",
  shipping: { name: "Christina Persson", line1: "Ängsgränd 133", postalCode: "115 53", city: "Stockholm", country: "SE" },
  items: Array.from({ length: 4 }, (_, i) => ({ sku: `SKU-${i}`, name: "Shampoo", category: "beauty", quantity: i + 1, unitPrice: 12900 })),
  fields: Array.from({ length: 6 }, (_, i) => ({ role: "email", keys: 19 + i, typed: 18, pasted: 0, corrections: 1, focuses: 2, focusMs: 4086.5 })),
};

/** Best of three timings of 500 JSON round trips of REFERENCE (after a warm-up), in ms. */
function pace(): number {
  let best = Infinity;
  let checksum = 0;
  for (let round = 0; round < 4; round++) {
    const started = performance.now();
    for (let i = 0; i < 500; i++) checksum += (JSON.parse(JSON.stringify(REFERENCE)) as { amount: number }).amount;
    if (round > 0) best = Math.min(best, performance.now() - started);
  }
  if (checksum !== 4 * 500 * REFERENCE.amount) throw new Error("the pace's reference work went wrong");
  return Math.round(best * 10) / 10;
}
