import { velocityRule } from "./velocity.js";

/** Attempts with one phone number. */
export const phone_velocity = velocityRule("phone_velocity", "phone", "this phone number");
