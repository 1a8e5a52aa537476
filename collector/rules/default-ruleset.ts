import { parseRuleset } from "./ruleset.js";

/** The built-in `default` ruleset; `docs/rules.md` explains each rule and why these numbers. */
export const DEFAULT_RULESET_SOURCE = {
  description: "Vakt's built-in rules: repetition across attempts, linked identities, confirmed-fraud links, the buyer's story, contact quality, automation and token problems.",
  policy: { deny: { high: 3 }, review: { high: 1, medium: 3 }, challenge: { medium: 1 } },
  rules: {
    token: {},
    automation: {},
    no_interaction: { scriptedFill: "medium", noInput: "high" },
    form_speed: { fasterThanMs: { medium: 2500, high: 1500 } },
    checkout_paste: { emailAndPhone: "medium", identityFields: { low: 1, high: 3 }, card: "none" },
    device_velocity: { window: "1h", thresholds: { medium: 5, high: 10 } },
    ip_velocity: { window: "1h", thresholds: { low: 5, medium: 10, high: 30 } },
    ip_net_velocity: { window: "1h", thresholds: { low: 20, medium: 50 } },
    email_velocity: { window: "24h", thresholds: { low: 3, medium: 5, high: 10 } },
    phone_velocity: { window: "24h", thresholds: { low: 3, medium: 5, high: 10 } },
    card_velocity: { window: "1h", thresholds: { medium: 3, high: 6 } },
    customer_velocity: { window: "1h", thresholds: { low: 3, medium: 6, high: 12 } },
    device_identities: { window: "24h", thresholds: { low: 2, medium: 3, high: 4 }, kinds: ["email", "name", "phone", "card", "customer"] },
    address_names: { window: "30d", thresholds: { medium: 3, high: 4 } },
    email_devices: { window: "7d", thresholds: { low: 3, medium: 5 } },
    ship_bill_mismatch: {},
    account_age: {
      largeBasket: { SEK: 1_000_000, NOK: 1_000_000, DKK: 700_000, EUR: 100_000, USD: 100_000, GBP: 80_000 },
      bands: [
        { under: "10m", severity: "medium" },
        { under: "10m", largeBasket: true, severity: "high" },
        { under: "24h", largeBasket: true, severity: "medium" },
      ],
    },
    first_order_amount: {
      typicalFirstOrder: { SEK: 150_000, NOK: 150_000, DKK: 100_000, EUR: 15_000, USD: 15_000, GBP: 12_000 },
      multipliers: { low: 5, medium: 10, high: 25 },
      knownAfter: "24h",
    },
    quantity_anomaly: { minUnitPrice: { SEK: 200_000, NOK: 200_000, DKK: 150_000, EUR: 20_000, USD: 20_000, GBP: 16_000 }, thresholds: { low: 3, medium: 5, high: 10 } },
    segment_category: {
      segments: {
        restaurant: ["food", "groceries", "beverages", "kitchen", "tableware", "cleaning", "packaging", "furniture"],
        cafe: ["food", "groceries", "beverages", "coffee", "kitchen", "tableware", "cleaning", "packaging", "furniture"],
        office: ["office_supplies", "paper", "electronics", "furniture", "cleaning", "groceries", "beverages", "coffee"],
        construction: ["tools", "hardware", "building_materials", "workwear", "safety", "cleaning"],
        hair_salon: ["hair_care", "beauty", "cosmetics", "towels", "cleaning", "furniture"],
      },
      thresholds: { low: 1, medium: 5, high: 20 },
    },
    disposable_email: { severity: "medium" },
    generated_email: { thresholds: { low: 2, medium: 4 } },
    phone_country: {
      invalid: "medium",
      otherCountry: "low",
      allowedPrefixes: { SE: ["+45", "+47", "+358"], NO: ["+45", "+46", "+358"], DK: ["+46", "+47", "+358"], FI: ["+45", "+46", "+47"] },
    },
    location_mismatch: { timezone: "low" },
    graylist: { severity: "high" },
  },
};

export const DEFAULT_RULESET = parseRuleset(DEFAULT_RULESET_SOURCE, "default");
