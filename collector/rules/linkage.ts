import { z } from "zod";
import type { IdentifierKind } from "../identity/normalise.js";
import { distinctWithin } from "./history.js";
import { counted, describeWindow, severityForCount, thresholds, window } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({ window, thresholds });
export type LinkageParams = z.output<typeof params>;

/**
 * Distinct values of one identifier among the attempts sharing another (this one included):
 * one address with many names, one e-mail on many devices.
 */
export function linkageRule(id: string, anchor: IdentifierKind, distinct: IdentifierKind, words: { one: string; many: string; where: string }): RuleDefinition<LinkageParams> {
  return {
    id,
    params,
    lookbackMs: (p) => p.window,
    reads: (p) => ({ [anchor]: p.window }),
    evaluate(ctx, p) {
      if (ctx.ids[anchor] === undefined || ctx.ids[distinct] === undefined) return { severity: "none" };
      const count = distinctWithin(ctx, anchor, distinct, p.window);
      const severity = severityForCount(count, p.thresholds);
      // The detail of a `none` is never shown: it is only built for a hit.
      if (severity === "none") return { severity };
      return { severity, detail: `${counted(count, words.one, words.many)} ${words.where} in ${describeWindow(p.window)}` };
    },
  };
}
