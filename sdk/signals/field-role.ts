import type { FieldRole } from "../protocol.js";

/** Role patterns, most specific first: `cc-name` is a card field, `country-name` an address field. */
const ROLES: readonly (readonly [FieldRole, RegExp])[] = [
  ["card", /\bcc-|card|\bcvc|\bcvv|\bcsc\b/],
  ["email", /mail/],
  ["phone", /\btel|phone|mobile/],
  ["address", /addr|street|line\d|postal|zip|city|town|country|region|province|level\d/],
  ["name", /name/],
];

/** Inputs that take no typed text, or text that is not a checkout identity. */
const UNTRACKED_TYPES = /^(?:hidden|password|checkbox|radio|submit|button|reset|image|file|range|color)$/;

/**
 * The checkout role of a text field, from what the page says about it (never from its value): its
 * `autocomplete` tokens first, then its `type`, then its `name` and `id`. Undefined for anything else.
 */
export function fieldRole(element: unknown): FieldRole | undefined {
  const isText = element instanceof HTMLInputElement ? !UNTRACKED_TYPES.test(element.type) : element instanceof HTMLTextAreaElement;
  if (!isText) return undefined;
  const field = element as HTMLInputElement;
  for (const hint of [field.getAttribute("autocomplete"), field.type, `${field.name} ${field.id}`]) {
    const text = (hint || "").toLowerCase();
    for (const [role, pattern] of ROLES) if (pattern.test(text)) return role;
  }
  return undefined;
}
