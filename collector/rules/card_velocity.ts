import { velocityRule } from "./velocity.js";

/** Attempts with one card (BIN + last four): card testing retries a card until an amount goes through. */
export const card_velocity = velocityRule("card_velocity", "card", "this card");
