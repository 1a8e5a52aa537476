import { velocityRule } from "./velocity.js";

/** Attempts by one customer account: a taken-over account ordering fast before the owner notices. */
export const customer_velocity = velocityRule("customer_velocity", "customer", "this customer account");
