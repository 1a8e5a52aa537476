import { parseRuleset } from "./ruleset.js";

/** The built-in `default` ruleset; `docs/rules.md` explains each rule and why these numbers. */
export const DEFAULT_RULESET_SOURCE = {
  description: "Vakt's built-in rules: repetition across attempts, linked identities, confirmed-fraud links, the buyer's story, contact quality, automation and token problems.",
  policy: { deny: { high: 3 }, review: { high: 1, medium: 3 }, challenge: { medium: 1 } },
  rules: {
    token: {},
    automation: {},
    device_velocity: { window: "1h", thresholds: { medium: 5, high: 10 } },
    ip_velocity: { window: "1h", thresholds: { low: 5, medium: 10, high: 30 } },
    ip_net_velocity: { window: "1h", thresholds: { low: 20, medium: 50 } },
    email_velocity: { window: "24h", thresholds: { low: 3, medium: 5, high: 10 } },
    phone_velocity: { window: "24h", thresholds: { low: 3, medium: 5, high: 10 } },
    card_velocity: { window: "1h", thresholds: { medium: 3, high: 6 } },
    customer_velocity: { window: "1h", thresholds: { low: 3, medium: 6, high: 12 } },
    device_identities: { window: "24h", thresholds: { low: 2, medium: 3, high: 4 }, kinds: ["email", "name", "phone", "card"] },
    address_names: { window: "30d", thresholds: { medium: 3, high: 4 } },
    email_devices: { window: "7d", thresholds: { low: 3, medium: 5 } },
    ship_bill_mismatch: {},
    graylist: { severity: "high" },
  },
};

export const DEFAULT_RULESET = parseRuleset(DEFAULT_RULESET_SOURCE, "default");
