// The shop's pages. Every interpolated value goes through `html`, which escapes it.

import { CATALOGUE, formatSek, type Product } from "./catalogue.js";
import { attr, html, page, type SafeHtml } from "./html.js";

export const COUNTRIES: ReadonlyArray<readonly [code: string, name: string]> = [
  ["SE", "Sweden"],
  ["NO", "Norway"],
  ["DK", "Denmark"],
  ["FI", "Finland"],
  ["IS", "Iceland"],
  ["DE", "Germany"],
  ["NL", "Netherlands"],
  ["PL", "Poland"],
  ["GB", "United Kingdom"],
  ["US", "United States"],
];

export interface CheckoutValues {
  name: string;
  email: string;
  phone: string;
  line1: string;
  postalCode: string;
  city: string;
  country: string;
  quantity: string;
}

export const EMPTY_CHECKOUT: CheckoutValues = {
  name: "",
  email: "",
  phone: "",
  line1: "",
  postalCode: "",
  city: "",
  country: "SE",
  quantity: "1",
};

/** What the collector answered, as far as the shop reads it (CONTRACT §5). */
export interface AssessAnswer {
  id: string;
  orderId: string;
  decision: "allow" | "challenge" | "review" | "deny";
  score?: number;
  token?: { status: string };
  reasons?: Array<{ rule: string; severity: string; detail: string }>;
  device?: { id?: string; firstSeen?: string; attempts?: number };
}

export type AssessOutcome =
  | { kind: "assessed"; answer: AssessAnswer }
  | { kind: "error"; message: string };

export interface PlacedOrder {
  id: string;
  product: Product;
  quantity: number;
  amount: number;
  name: string;
  email: string;
}

export function cataloguePage(): string {
  const items = CATALOGUE.map(
    (product) => html`<li class="product">
<span class="category">${product.category.replace("_", " ")}</span>
<h2>${product.name}</h2>
<p>${product.description}</p>
<p class="price" data-sku="${product.sku}">${formatSek(product.unitPrice)}</p>
<a class="button" href="/checkout?sku=${encodeURIComponent(product.sku)}">Buy</a>
</li>`,
  );
  return page(
    "Products",
    html`<main id="catalogue">
<h1>Products</h1>
<ul class="products">
${items}
</ul>
</main>`,
  );
}

export interface CheckoutPageOptions {
  product: Product;
  values: CheckoutValues;
  errors: readonly string[];
  collectorUrl: string;
  siteKey: string;
}

function field(
  id: keyof CheckoutValues,
  label: string,
  value: string,
  extra: { type?: string; autocomplete?: string; required?: boolean; maxLength?: number },
): SafeHtml {
  return html`<div class="field">
<label for="${id}">${label}</label>
<input id="${id}" name="${id}" type="${extra.type ?? "text"}"${attr("autocomplete", extra.autocomplete)}${attr("maxlength", extra.maxLength)} value="${value}"${extra.required ? html` required` : ""}>
</div>`;
}

export function checkoutPage(options: CheckoutPageOptions): string {
  const { product, values, errors } = options;
  const countries = COUNTRIES.map(
    ([code, name]) =>
      html`<option value="${code}"${values.country === code ? html` selected` : ""}>${name}</option>`,
  );
  const problems =
    errors.length === 0
      ? ""
      : html`<div class="errors" role="alert" id="form-errors">
<strong>Please check your details:</strong>
<ul>${errors.map((error) => html`<li>${error}</li>`)}</ul>
</div>`;
  return page(
    `Checkout: ${product.name}`,
    html`<main id="checkout" class="checkout">
<section class="panel" id="summary">
<span class="category">${product.category.replace("_", " ")}</span>
<h1>${product.name}</h1>
<p>${product.description}</p>
<p class="price">${formatSek(product.unitPrice)} each</p>
<p><a href="/">← Back to the products</a></p>
</section>
<section class="panel">
<h2>Delivery details</h2>
${problems}
<form data-vakt method="post" action="/order" id="checkout-form">
<input type="hidden" name="sku" value="${product.sku}">
${field("name", "Full name", values.name, { autocomplete: "name", required: true, maxLength: 200 })}
${field("email", "E-mail", values.email, { type: "email", autocomplete: "email", required: true, maxLength: 254 })}
${field("phone", "Phone (optional)", values.phone, { type: "tel", autocomplete: "tel", maxLength: 40 })}
${field("line1", "Address", values.line1, { autocomplete: "address-line1", required: true, maxLength: 200 })}
<div class="row">
${field("postalCode", "Postal code", values.postalCode, { autocomplete: "postal-code", required: true, maxLength: 20 })}
${field("city", "City", values.city, { autocomplete: "address-level2", required: true, maxLength: 100 })}
</div>
<div class="field">
<label for="country">Country</label>
<select id="country" name="country" autocomplete="country">
${countries}
</select>
</div>
<div class="field">
<label for="quantity">Quantity</label>
<input id="quantity" name="quantity" type="number" min="1" max="99" step="1" inputmode="numeric" value="${values.quantity}" required>
</div>
<button type="submit" id="place-order">Place order</button>
</form>
</section>
</main>
<script src="${options.collectorUrl}/v1/vakt.js" data-site-key="${options.siteKey}" async></script>`,
  );
}

const MESSAGES = {
  allow: { title: "Order confirmed" },
  challenge: { title: "We need to verify you" },
  review: { title: "Your order is under review" },
  deny: { title: "We could not accept this order" },
  error: { title: "Order received — we'll confirm it shortly" },
} as const;

/** What the result page needs to show the step-up widget; no ticket when the collector would not open the challenge. */
export interface ChallengeEmbed {
  collectorUrl: string;
  siteKey: string;
  ticket: string | undefined;
  returnUrl: string;
  hasInbox: boolean;
}

/** A code the demo "sent", as the collector's outbox keeps it (the contact masked). */
export interface InboxMessage {
  channel: "email" | "phone";
  to: string;
  subject: string;
  text: string;
  atMs: number;
  attemptId: string;
}

function challengeBlock(answer: AssessAnswer, embed: ChallengeEmbed): SafeHtml {
  if (!embed.ticket) {
    return html`<p id="challenge-unavailable">We could not start the verification just now. Our team will check the order instead.</p>`;
  }
  const note = embed.hasInbox
    ? html`<p class="demo-note">Demo: no e-mail or text message is really sent. Read the code in the <a href="/demo/inbox" target="_blank" rel="noopener">demo inbox</a> (or the collector's log).</p>`
    : "";
  return html`<div id="vakt-challenge" class="challenge" data-vakt-challenge="${answer.id}" data-vakt-ticket="${embed.ticket}" data-vakt-return-url="${embed.returnUrl}"></div>
${note}
<script src="${embed.collectorUrl}/v1/vakt.js" data-site-key="${embed.siteKey}" async></script>`;
}

export function inboxPage(messages: readonly InboxMessage[] | undefined): string {
  if (!messages) return messagePage("not-found", "No demo inbox", "The collector does not run with the demo outbox (config notify.outbox).");
  const items = messages.map(
    (m) => html`<li class="message" data-attempt="${m.attemptId}" data-channel="${m.channel}">
<p><strong>${m.channel === "email" ? "E-mail" : "Text message"} to ${m.to}</strong> · ${new Date(m.atMs).toLocaleTimeString("en-GB")}</p>
${m.subject ? html`<p>${m.subject}</p>` : ""}<pre>${m.text}</pre>
</li>`,
  );
  return page(
    "Demo inbox",
    html`<main id="inbox" class="panel">
<h1>Demo inbox</h1>
<p>The codes the collector's demo outbox "sent", newest first. A real collector e-mails them (SMTP) or texts them (an SMS gateway). Reload for new ones.</p>
${messages.length === 0 ? html`<p>No codes yet.</p>` : html`<ol class="inbox">${items}</ol>`}
</main>`,
  );
}

function explanation(decision: keyof typeof MESSAGES, order: PlacedOrder): SafeHtml {
  switch (decision) {
    case "allow":
      return html`<p>Thank you, ${order.name}! Your order is confirmed and a receipt is on its way to ${order.email}.</p>`;
    case "challenge":
      return html`<p>Before we can accept this order we need to make sure it is really you, ${order.name}.
We will send a one-time code to your e-mail or phone.</p>`;
    case "review":
      return html`<p>Thank you, ${order.name}. We check some orders by hand before they ship.
We will e-mail ${order.email} within one working day; you do not need to do anything.</p>`;
    case "deny":
      return html`<p>We are sorry, but we could not accept this order and nothing has been charged.
If you think this is a mistake, please contact customer service and quote the order number.</p>`;
    case "error":
      return html`<p>Thank you, ${order.name}. We have your order and will send a confirmation to ${order.email} shortly.</p>`;
  }
}

function debugBlock(outcome: AssessOutcome): SafeHtml {
  if (outcome.kind === "error") {
    return html`<details class="demo-debug">
<summary>Why (demo only)</summary>
<p>The fraud check could not be completed (${outcome.message}), so the shop accepted the order
and would check it later. A real shop decides this fail-open or fail-closed policy for itself.</p>
</details>`;
  }
  const { answer } = outcome;
  const reasons = answer.reasons ?? [];
  const list =
    reasons.length === 0
      ? html`<p>No rule raised a concern.</p>`
      : html`<ul class="reasons">${reasons.map(
          (reason) =>
            html`<li class="reason" data-rule="${reason.rule}" data-severity="${reason.severity}"><span class="severity">${reason.severity}</span> <code>${reason.rule}</code>: ${reason.detail}</li>`,
        )}</ul>`;
  return html`<details class="demo-debug">
<summary>Why (demo only)</summary>
<dl>
<dt>Decision</dt><dd>${answer.decision}</dd>
<dt>Score</dt><dd>${answer.score ?? "—"}</dd>
<dt>Attempt</dt><dd>${answer.id}</dd>
<dt>Token</dt><dd>${answer.token?.status ?? "—"}</dd>
<dt>Device</dt><dd>${answer.device?.id ?? "—"}${answer.device?.attempts === undefined ? "" : ` (${answer.device.attempts} attempts)`}</dd>
</dl>
${list}
</details>`;
}

export function resultPage(order: PlacedOrder, outcome: AssessOutcome, challenge?: ChallengeEmbed): string {
  const decision = outcome.kind === "error" ? "error" : outcome.answer.decision;
  const answer = outcome.kind === "assessed" ? outcome.answer : undefined;
  const { title } = MESSAGES[decision];
  return page(
    title,
    html`<main id="result" class="panel result" data-decision="${decision}"${attr("data-attempt", answer?.id)} data-order="${order.id}"${attr("data-token-status", answer?.token?.status)}>
<h1>${title}</h1>
${explanation(decision, order)}
${answer && challenge && decision === "challenge" ? challengeBlock(answer, challenge) : ""}
<p class="summary">Order <strong id="order-id">${order.id}</strong>: ${order.quantity} × ${order.product.name}, ${formatSek(order.amount)}.</p>
<p><a href="/">Continue shopping</a></p>
${debugBlock(outcome)}
</main>`,
  );
}

export function messagePage(id: string, title: string, text: string): string {
  return page(
    title,
    html`<main id="${id}" class="panel">
<h1>${title}</h1>
<p>${text}</p>
<p><a href="/">Back to the products</a></p>
</main>`,
  );
}
