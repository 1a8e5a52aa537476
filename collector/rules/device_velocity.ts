import { velocityRule } from "./velocity.js";

/** Attempts from one device in a short window: card testing and account farming repeat fast. */
export const device_velocity = velocityRule("device_velocity", "device", "this device");
