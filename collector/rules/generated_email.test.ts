import { describe, expect, it } from "vitest";
import { describeIssues } from "../validation.js";
import { generated_email, generatedSigns } from "./generated_email.js";
import type { RuleContext } from "./types.js";

function context(email: string | undefined): RuleContext {
  const order = email === undefined ? { id: "ord_1" } : { id: "ord_1", email };
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined };
}

const params = (raw: unknown) => generated_email.params.parse(raw) as Parameters<typeof generated_email.evaluate>[1];
const DEFAULTS = params({ thresholds: { low: 2, medium: 4 } });
const points = (local: string) => generatedSigns(local).reduce((sum, s) => sum + s.points, 0);

/** People's addresses: names, initials, words, birth years and dates, phone numbers, leetspeak-light, accents. */
const GENUINE = [
  "anna.berg", "john.smith1987", "karin_lund", "info", "p.ek", "kontakt", "order", "hello", "noreply", "faktura",
  "anna19870512", "12051987.anna", "0701234567", "123456789", "qq1234567", "shopper12", "keep.me+x", "m.andersson84",
  "erik.s.1974", "kalle_anka_99", "lars-olof.svensson", "lasse.kronér", "björn.engström", "jürgen.schmidt1963",
  "christoph.schwarzschild", "sebastian.hertzsprung1976", "krzysztof.brzęczyszczykiewicz", "wojciech.szczepański",
  "grzegorz_kowalski", "siobhan.oconnor", "niamh.fitzgerald", "nguyen.van.anh", "xiaoming.zhang", "aleksandrschmidt",
  "dmitrij.nyström88", "sthlm.pizza", "pizzeria.napoli", "sk8er.boi.2003", "j0hn.d03", "mp3player2000", "r2d2fan",
  "b2b4life", "info2019se", "user2024", "abc123", "x5t7.admin", "anna+newsletter", "lindqvist.kristoffer",
];

/** Addresses from account farms and fraud tools: random strings, hex ids, names with random numbers. */
const GENERATED = [
  "xk7q2m9p4z", "a8f3e2c1d9b7", "5f3a9c2e1b7d4e6f", "8d1e3c2b-4f5a-4b6c-9d7e-1f2a3b4c5d6e", "john.smith83746192",
  "qwxzkvbnm", "user5f3a9c2e1b", "h7k2l9m3", "zxcvbnmlkjh", "k3j5h6g7f8d9", "anna.berg.94720385", "tmp_9f8e7d6c5b4a",
];

describe("generated_email", () => {
  it.each(GENUINE)("finds nothing for the genuine-looking %s", async (local) => {
    expect(await generated_email.evaluate(context(`${local}@example.com`), DEFAULTS)).toEqual({ severity: "none" });
    expect(points(local)).toBeLessThan(2);
  });

  it.each(GENERATED)("reports the generated-looking %s", async (local) => {
    const outcome = await generated_email.evaluate(context(`${local}@example.com`), DEFAULTS);
    expect(outcome.severity).not.toBe("none");
    expect(outcome.detail).toMatch(/^the e-mail's local part looks machine-generated \(\d+ points\): /);
  });

  it("finds nothing without an e-mail", async () => {
    expect(await generated_email.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("fires each level at its number of points and not below", async () => {
    expect(points("h7k2l9")).toBe(2); // 5 alternations
    expect((await generated_email.evaluate(context("h7k2l9@example.com"), DEFAULTS)).severity).toBe("low");
    expect(points("h7k2l")).toBe(1); // 4 alternations: a weak sign
    expect(points("h7k2")).toBe(0); // 3 alternations: nothing
    expect((await generated_email.evaluate(context("h7k2l@example.com"), DEFAULTS)).severity).toBe("none");
    expect(points("a8f3e2c1d9b7")).toBe(3); // a 12-character hex string
    expect((await generated_email.evaluate(context("a8f3e2c1d9b7@example.com"), DEFAULTS)).severity).toBe("low");
    expect(points("5f3a9c2e1b7d4e6f")).toBe(4); // a 16-character hex string
    expect((await generated_email.evaluate(context("5f3a9c2e1b7d4e6f@example.com"), DEFAULTS)).severity).toBe("medium");
    const strict = params({ thresholds: { low: 1, medium: 2, high: 3 } });
    expect((await generated_email.evaluate(context("h7k2l@example.com"), strict)).severity).toBe("low");
    expect((await generated_email.evaluate(context("a8f3e2c1d9b7@example.com"), strict)).severity).toBe("high");
  });

  it("says which signs it found without quoting the address", async () => {
    const outcome = await generated_email.evaluate(context("john.smith83746192@example.com"), DEFAULTS);
    expect(outcome).toEqual({ severity: "low", detail: "the e-mail's local part looks machine-generated (2 points): a run of 8 random-looking digits" });
    const mixed = await generated_email.evaluate(context("5f3a9c2e1b7d4e6f@example.com"), DEFAULTS);
    expect(mixed.detail).toBe("the e-mail's local part looks machine-generated (4 points): a 16-character hex string");
    const vowelless = await generated_email.evaluate(context("qwxzkvbnm@example.com"), DEFAULTS);
    expect(vowelless.detail).toContain("9 letters without a vowel");
    expect(vowelless.detail).not.toContain("qwxzkvbnm");
  });

  it("reads digit runs across tokens, the first of equally long runs, and letter runs to the token's end", () => {
    expect(generatedSigns("anna.8374.6192")).toEqual([{ points: 2, text: "a run of 8 random-looking digits" }]);
    expect(generatedSigns("ab1234567x8374619")).toEqual([]); // the first 7-digit run is memorable
    expect(generatedSigns("ab8374619x1234567")).toEqual([{ points: 2, text: "a run of 7 random-looking digits" }]);
    expect(generatedSigns("qwxzkvbnm+abc")).toEqual([{ points: 2, text: "9 letters without a vowel" }]);
    expect(generatedSigns("abc+qwxzkvbnm")).toEqual([]);
    expect(generatedSigns("bcdfgh1bcdfghjk")).toEqual([
      { points: 2, text: "6 letters without a vowel" },
      { points: 2, text: "8 letters without a vowel" },
    ]);
    expect(generatedSigns("anastrngthspl")).toEqual([{ points: 2, text: "10 consonants in a row" }]);
    expect(generatedSigns("Björn.Strngthsplx")).toEqual([{ points: 2, text: "11 letters without a vowel" }]);
  });

  it("refuses bad params, naming the field", () => {
    const problems = (raw: unknown) => {
      const result = generated_email.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.generated_email");
    };
    expect(problems({})).toEqual([expect.stringMatching(/^rules\.generated_email\.thresholds: /)]);
    expect(problems({ thresholds: { low: 4, medium: 2 } })).toEqual(["rules.generated_email.thresholds.medium: medium (2) must be above low (4), or low can never fire"]);
  });
});
