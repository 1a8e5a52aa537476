import { address_names } from "./address_names.js";
import { automation } from "./automation.js";
import { device_identities } from "./device_identities.js";
import { device_velocity } from "./device_velocity.js";
import { graylist } from "./graylist.js";
import { token } from "./token.js";
import type { RuleDefinition } from "./types.js";

/** Every rule a ruleset may name, in the order the matrix lists them. */
export const RULES: readonly RuleDefinition<any>[] = [token, automation, device_velocity, device_identities, address_names, graylist];

export const RULES_BY_ID: ReadonlyMap<string, RuleDefinition<any>> = new Map(RULES.map((rule) => [rule.id, rule]));
