import { velocityRule } from "./velocity.js";

/** Attempts with one e-mail address: a stolen identity tried again and again. */
export const email_velocity = velocityRule("email_velocity", "email", "this e-mail address");
