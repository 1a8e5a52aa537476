import { parseRuleset } from "./ruleset.js";

/** The built-in `default` ruleset; `docs/rules.md` explains each rule and why these numbers. */
export const DEFAULT_RULESET_SOURCE = {
  description: "Vakt's built-in rules: repetition across attempts, confirmed-fraud links, automation and token problems.",
  policy: { deny: { high: 3 }, review: { high: 1, medium: 3 }, challenge: { medium: 1 } },
  rules: {
    token: {},
    automation: {},
    device_velocity: { window: "1h", thresholds: { medium: 5, high: 10 } },
    device_identities: { window: "24h", thresholds: { low: 2, medium: 3, high: 4 } },
    address_names: { window: "30d", thresholds: { medium: 3, high: 4 } },
    graylist: { severity: "high" },
  },
};

export const DEFAULT_RULESET = parseRuleset(DEFAULT_RULESET_SOURCE, "default");
