import { account_age } from "./account_age.js";
import { address_names } from "./address_names.js";
import { automation } from "./automation.js";
import { card_velocity } from "./card_velocity.js";
import { checkout_paste } from "./checkout_paste.js";
import { customer_velocity } from "./customer_velocity.js";
import { device_identities } from "./device_identities.js";
import { device_velocity } from "./device_velocity.js";
import { disposable_email } from "./disposable_email.js";
import { email_devices } from "./email_devices.js";
import { email_velocity } from "./email_velocity.js";
import { first_order_amount } from "./first_order_amount.js";
import { form_speed } from "./form_speed.js";
import { generated_email } from "./generated_email.js";
import { graylist } from "./graylist.js";
import { ip_net_velocity } from "./ip_net_velocity.js";
import { ip_velocity } from "./ip_velocity.js";
import { location_mismatch } from "./location_mismatch.js";
import { no_interaction } from "./no_interaction.js";
import { phone_country } from "./phone_country.js";
import { phone_velocity } from "./phone_velocity.js";
import { quantity_anomaly } from "./quantity_anomaly.js";
import { segment_category } from "./segment_category.js";
import { ship_bill_mismatch } from "./ship_bill_mismatch.js";
import { token } from "./token.js";
import type { RuleDefinition } from "./types.js";

/** Every rule a ruleset may name, in the order the matrix lists them. */
export const RULES: readonly RuleDefinition<any>[] = [
  token,
  automation,
  no_interaction,
  form_speed,
  checkout_paste,
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
  account_age,
  first_order_amount,
  quantity_anomaly,
  segment_category,
  disposable_email,
  generated_email,
  phone_country,
  location_mismatch,
  graylist,
];

export const RULES_BY_ID: ReadonlyMap<string, RuleDefinition<any>> = new Map(RULES.map((rule) => [rule.id, rule]));
