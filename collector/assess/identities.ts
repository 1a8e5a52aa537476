import type { IdentifierHasher } from "../identity/hash.js";
import { ipNetwork, normaliseAddress, normaliseCard, normaliseEmail, normaliseIp, normaliseName, normalisePhone, type IdentifierKind } from "../identity/normalise.js";
import type { IdentifierHashes } from "../store/types.js";
import type { Order } from "./request.js";

export interface AttemptIdentity {
  siteKey: string;
  order: Order;
  ip?: string;
  deviceId?: string;
}

/** Normalises each identifier of an attempt and hashes it; absent or unusable ones are left out. */
export function identifierHashes(hasher: IdentifierHasher, attempt: AttemptIdentity): IdentifierHashes {
  const { order } = attempt;
  const customerId = order.customer?.id;
  const name = order.shipping?.name || order.customer?.name || order.billing?.name;
  const ip = attempt.ip === undefined ? undefined : normaliseIp(attempt.ip);
  const values: Record<IdentifierKind, string | undefined> = {
    device: attempt.deviceId,
    ip,
    ip_net: ip === undefined ? undefined : ipNetwork(ip),
    email: order.email === undefined ? undefined : normaliseEmail(order.email),
    phone: order.phone === undefined ? undefined : normalisePhone(order.phone, order.shipping?.country ?? order.billing?.country),
    card: order.payment ? normaliseCard(order.payment) : undefined,
    customer: customerId ? `${attempt.siteKey}:${customerId}` : undefined,
    name: name ? normaliseName(name) : undefined,
    address: order.shipping ? normaliseAddress(order.shipping) : undefined,
  };
  const hashes: IdentifierHashes = {};
  for (const [kind, value] of Object.entries(values) as [IdentifierKind, string | undefined][]) {
    if (value) hashes[kind] = hasher.hash(kind, value);
  }
  return hashes;
}
