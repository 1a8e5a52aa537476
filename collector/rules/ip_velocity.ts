import { velocityRule } from "./velocity.js";

/** Attempts from one IP address: scripted runs from one host. Shared addresses (offices, carriers) make this a weaker sign than a device. */
export const ip_velocity = velocityRule("ip_velocity", "ip", "this IP address");
