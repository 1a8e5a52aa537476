import { normaliseIp } from "../identity/normalise.js";

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function clientIp(remoteIp: string, forwardedFor: string | undefined, trustedProxies: ReadonlySet<string>): string {
  const peer = normaliseIp(remoteIp) ?? remoteIp;
  if (!forwardedFor || !trustedProxies.has(peer)) return peer;
  const hops = forwardedFor.split(",").map((hop) => normaliseIp(hop) ?? "");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!hop) return peer;
    if (!trustedProxies.has(hop)) return hop;
  }
  return peer;
}
