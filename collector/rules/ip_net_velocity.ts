import { velocityRule } from "./velocity.js";

/** Attempts from one network (IPv4 /24, IPv6 /64): a fraudster rotating addresses within one provider's block. */
export const ip_net_velocity = velocityRule("ip_net_velocity", "ip_net", "this network (/24 or /64)");
