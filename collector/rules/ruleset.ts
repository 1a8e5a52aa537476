import { z } from "zod";
import { describeIssues } from "../validation.js";
import { RULES_BY_ID } from "./index.js";
import { severity } from "./params.js";
import { policySchema, type Policy } from "./policy.js";
import type { RuleDefinition, Severity } from "./types.js";

export class RulesetError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid ruleset:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "RulesetError";
  }
}

export interface ConfiguredRule {
  definition: RuleDefinition<any>;
  params: unknown;
  budgetMs: number;
  /** The severity used when the rule misses its budget or fails. */
  onTimeout: Severity;
}

export interface Ruleset {
  description?: string;
  policy: Policy;
  rules: ConfiguredRule[];
}

const DEFAULT_BUDGET_MS = 25;

const rulesetShape = z.strictObject({
  description: z.string().max(2000).optional(),
  policy: policySchema,
  rules: z.record(z.string(), z.unknown()),
});

const common = {
  budgetMs: z.number().positive().max(10_000).default(DEFAULT_BUDGET_MS),
  onTimeout: severity.default("none"),
};

/** Validates a whole ruleset; every problem is reported with its path under `pathPrefix`. */
export function parseRuleset(raw: unknown, pathPrefix = ""): Ruleset {
  const shape = rulesetShape.safeParse(raw);
  const problems = shape.success ? [] : describeIssues(shape.error, pathPrefix);
  const rules: ConfiguredRule[] = [];
  const at = (path: string) => (pathPrefix ? `${pathPrefix}.${path}` : path);
  const rawRules = typeof raw === "object" && raw !== null ? (raw as { rules?: unknown }).rules : undefined;

  // Rules are checked even when the outer shape is wrong, so every problem is reported at once.
  if (typeof rawRules === "object" && rawRules !== null && !Array.isArray(rawRules)) {
    for (const [id, entry] of Object.entries(rawRules)) {
      const definition = RULES_BY_ID.get(id);
      if (!definition) {
        problems.push(`${at(`rules.${id}`)}: unknown rule (known rules: ${[...RULES_BY_ID.keys()].join(", ")})`);
        continue;
      }
      const parsed = definition.params.extend(common).strict().safeParse(entry ?? {});
      if (!parsed.success) {
        problems.push(...describeIssues(parsed.error, at(`rules.${id}`)));
        continue;
      }
      const { budgetMs, onTimeout, ...params } = parsed.data as { budgetMs: number; onTimeout: Severity };
      rules.push({ definition, params, budgetMs, onTimeout });
    }
  }
  if (!shape.success || problems.length > 0) throw new RulesetError(problems);
  const ruleset: Ruleset = { policy: shape.data.policy, rules };
  if (shape.data.description !== undefined) ruleset.description = shape.data.description;
  return ruleset;
}
