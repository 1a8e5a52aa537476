import { describe, expect, it } from "vitest";
import { parseRuleset } from "../rules/ruleset.js";
import { toAttempt, type BacktestAttempt } from "./input.js";
import { replay } from "./replay.js";

const T0 = Date.parse("2026-01-10T12:00:00Z");
const MIN = 60_000;

/** Device identities on the last hour (2 e-mails: medium, 3: high) and the graylist; review at 1 high, challenge at 1 medium. */
const WITH_GRAYLIST = parseRuleset({
  policy: { review: { high: 1 }, challenge: { medium: 1 } },
  rules: { device_identities: { window: "1h", thresholds: { medium: 2, high: 3 }, kinds: ["email"] }, graylist: { severity: "high" } },
});
const WITHOUT_GRAYLIST = parseRuleset({
  policy: { review: { high: 1 }, challenge: { medium: 1 } },
  rules: { device_identities: { window: "1h", thresholds: { medium: 2, high: 3 }, kinds: ["email"] } },
});

const line = (n: number, minutes: number, device: string, email: string, label: "fraud" | "legit") =>
  toAttempt({ ts: new Date(T0 + minutes * MIN).toISOString(), order: { id: `ord_${n}`, email }, device: { id: device }, label }, n);

/**
 * The story, in time order (the file lists it out of order, latest first):
 *   #1 0m   D1 a@x legit   1 e-mail on D1                                  → allow
 *   #2 1m   D1 b@x fraud   2 e-mails on D1: medium                         → challenge
 *   #3 2m   D1 c@x fraud   3 e-mails: high (and, once #2's label is known, D1 is graylisted) → review
 *   #4 3m   D2 z@x legit   nothing                                          → allow
 *   #5 10m  D3 b@x legit   b@x is #2's e-mail: graylisted if #2's label is known → review, else allow
 *   #6 120m D1 d@x fraud   D1's earlier attempts are outside the hour; D1 graylisted by #2/#3 → review
 */
const INPUT: BacktestAttempt[] = [
  line(1, 120, "D1", "d@x.se", "fraud"),
  line(2, 10, "D3", "b@x.se", "legit"),
  line(3, 3, "D2", "z@x.se", "legit"),
  line(4, 2, "D1", "c@x.se", "fraud"),
  line(5, 1, "D1", "b@x.se", "fraud"),
  line(6, 0, "D1", "a@x.se", "legit"),
];

describe("replay", () => {
  it("gives the worked-out counts, matching each attempt only against earlier ones", async () => {
    const result = await replay(INPUT, { candidate: { name: "candidate", ruleset: WITH_GRAYLIST } });
    expect(result.candidate).toMatchObject({
      attempts: 6,
      fraud: { total: 3, stopped: 2, challenged: 1 },
      legit: { total: 3, stopped: 1, challenged: 0 },
      decisions: { allow: 2, challenge: 1, review: 3, deny: 0 },
      rules: { device_identities: 2, graylist: 3 },
      precision: { device_identities: 1, graylist: 2 / 3 },
    });
  });

  it("learns a label only after the label delay, so the graylist gets no hindsight", async () => {
    const result = await replay(INPUT, { candidate: { name: "candidate", ruleset: WITH_GRAYLIST }, labelDelayMs: 60 * MIN });
    expect(result.candidate).toMatchObject({
      fraud: { total: 3, stopped: 2, challenged: 1 },
      legit: { total: 3, stopped: 0, challenged: 0 },
      rules: { device_identities: 2, graylist: 1 },
    });
  });

  it("runs a baseline in the same pass and lists exactly the attempts whose decision changed", async () => {
    const result = await replay(INPUT, { candidate: { name: "candidate", ruleset: WITH_GRAYLIST }, baseline: { name: "baseline", ruleset: WITHOUT_GRAYLIST } });
    expect(result.baseline).toMatchObject({ fraud: { stopped: 1, challenged: 1 }, legit: { stopped: 0 }, rules: { device_identities: 2 } });
    expect(result.changed).toBe(2);
    expect(result.changes).toEqual([
      { line: 2, orderId: "ord_2", ts: new Date(T0 + 10 * MIN).toISOString(), label: "legit", baseline: "allow", candidate: "review" },
      { line: 1, orderId: "ord_1", ts: new Date(T0 + 120 * MIN).toISOString(), label: "fraud", baseline: "allow", candidate: "review" },
    ]);
  });

  it("gives the same answer every time", async () => {
    const first = await replay(INPUT, { candidate: { name: "c", ruleset: WITH_GRAYLIST } });
    const second = await replay(INPUT, { candidate: { name: "c", ruleset: WITH_GRAYLIST } });
    expect(second.candidate).toEqual(first.candidate);
  });
});
