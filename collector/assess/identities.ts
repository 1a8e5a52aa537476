import { ipNetwork, normaliseAddress, normaliseCard, normaliseEmail, normaliseIp, normaliseName, normalisePhone, type IdentifierKind } from "../identity/normalise.js";
import type { IdentifierHashes, IdentifierKey } from "../store/types.js";
import type { Order } from "./request.js";

/** What turns an identifier's normalised value into a store's key (`IdentifierHasher` for a live store). */
export interface IdentifierKeyer<K extends IdentifierKey> {
  hash(kind: IdentifierKind, normalisedValue: string): K;
}

export interface AttemptIdentity {
  siteKey: string;
  order: Order;
  ip?: string;
  deviceId?: string;
}

/**
 * Normalises each identifier of an attempt and hashes it; absent or unusable ones are left out. The
 * hashes are set on `into` (a new empty object by default).
 */
export function identifierHashes<K extends IdentifierKey>(hasher: IdentifierKeyer<K>, attempt: AttemptIdentity, into: IdentifierHashes<K> = {}): IdentifierHashes<K> {
  const { order } = attempt;
  const customerId = order.customer?.id;
  const name = order.shipping?.name || order.customer?.name || order.billing?.name;
  const ip = attempt.ip === undefined ? undefined : normaliseIp(attempt.ip);
  // Each kind in IDENTIFIER_KINDS order (the order the hashes are stored and followed in), with no
  // record of values or entries array in between: a backtest identifies every attempt it replays.
  const hashes = into;
  const put = (kind: IdentifierKind, value: string | undefined) => {
    if (value) hashes[kind] = hasher.hash(kind, value);
  };
  put("device", attempt.deviceId);
  put("ip", ip);
  put("ip_net", ip === undefined ? undefined : ipNetwork(ip));
  put("email", order.email === undefined ? undefined : normaliseEmail(order.email));
  put("phone", order.phone === undefined ? undefined : normalisePhone(order.phone, order.shipping?.country ?? order.billing?.country));
  put("card", order.payment ? normaliseCard(order.payment) : undefined);
  put("customer", customerId ? [attempt.siteKey, customerId].join(":") : undefined);
  put("name", name ? normaliseName(name) : undefined);
  put("address", order.shipping ? normaliseAddress(order.shipping) : undefined);
  return hashes;
}
