import { address_names } from "./address_names.js";
import { automation } from "./automation.js";
import { card_velocity } from "./card_velocity.js";
import { customer_velocity } from "./customer_velocity.js";
import { device_identities } from "./device_identities.js";
import { device_velocity } from "./device_velocity.js";
import { email_devices } from "./email_devices.js";
import { email_velocity } from "./email_velocity.js";
import { graylist } from "./graylist.js";
import { ip_net_velocity } from "./ip_net_velocity.js";
import { ip_velocity } from "./ip_velocity.js";
import { phone_velocity } from "./phone_velocity.js";
import { ship_bill_mismatch } from "./ship_bill_mismatch.js";
import { token } from "./token.js";
import type { RuleDefinition } from "./types.js";

/** Every rule a ruleset may name, in the order the matrix lists them. */
export const RULES: readonly RuleDefinition<any>[] = [
  token,
  automation,
  device_velocity,
  ip_velocity,
  ip_net_velocity,
  email_velocity,
  phone_velocity,
  card_velocity,
  customer_velocity,
  device_identities,
  address_names,
  email_devices,
  ship_bill_mismatch,
  graylist,
];

export const RULES_BY_ID: ReadonlyMap<string, RuleDefinition<any>> = new Map(RULES.map((rule) => [rule.id, rule]));
