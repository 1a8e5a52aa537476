// The shop's side of a step-up challenge: a ticket for the page (POST /v1/challenges), the attempt's
// decision read back server-side (GET /v1/attempts/:id) — never the browser's word — and the orders
// placed in this process, so the status page knows which attempt an order had.

import { toAnswer, type CollectorCall } from "./order.js";
import type { AssessAnswer, PlacedOrder } from "./pages.js";

const MAX_REMEMBERED_ORDERS = 1000;

/**
 * A ticket that lets the shopper's page drive this attempt's challenge; undefined when the collector
 * refuses, cannot be reached, or no code can be sent (no channel: the order is left to the team).
 */
export async function challengeTicket(call: CollectorCall, attemptId: string): Promise<string | undefined> {
  const answer = await call("POST", "/v1/challenges", { attempt: attemptId });
  const isOpen = answer.ok && answer.json?.status === "pending" && answer.json.channels?.length > 0 && typeof answer.json.ticket === "string";
  return isOpen ? answer.json.ticket : undefined;
}

/** The attempt as the collector has it now: a passed challenge reads `allow`, a failed one `review`. */
export async function currentDecision(call: CollectorCall, attemptId: string): Promise<AssessAnswer | undefined> {
  const answer = await call("GET", `/v1/attempts/${encodeURIComponent(attemptId)}`);
  return answer.ok ? toAnswer(answer.json) : undefined;
}

export interface RememberedOrder {
  placed: PlacedOrder;
  attemptId: string;
}

/** The latest orders of this process, oldest dropped first (a real shop has its order database). */
export class RecentOrders {
  private readonly orders = new Map<string, RememberedOrder>();

  remember(order: RememberedOrder): void {
    this.orders.set(order.placed.id, order);
    if (this.orders.size > MAX_REMEMBERED_ORDERS) this.orders.delete(this.orders.keys().next().value!);
  }

  get(orderId: string): RememberedOrder | undefined {
    return this.orders.get(orderId);
  }
}
