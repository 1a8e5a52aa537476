import { describe, expect, it } from "vitest";
import type { Change, ReplayResult, RulesetStats } from "./replay.js";
import { CHANGES_SHOWN, renderHtmlReport } from "./report-html.js";
import { escapeHtml, html } from "./svg-charts.js";

const HOSTILE = "<img src=x onerror=alert(1)>";
const META = { input: "past/orders.ndjson", generatedAt: new Date("2026-01-10T12:00:00Z"), labelDelay: "7d", skippedLines: 3 };

function stats(ruleset: string, overrides: Partial<RulesetStats> = {}): RulesetStats {
  return {
    ruleset,
    attempts: 1000,
    fraud: { total: 10, stopped: 7, challenged: 1 },
    legit: { total: 900, stopped: 25, challenged: 40 },
    decisions: { allow: 910, challenge: 50, review: 30, deny: 10 },
    rules: { email_velocity: 120, [HOSTILE]: 4 },
    precision: { email_velocity: 0.25, [HOSTILE]: null },
    ...overrides,
  };
}

function changes(n: number): Change[] {
  return Array.from({ length: n }, (_, i) => ({
    line: i + 1,
    orderId: i === 0 ? HOSTILE : `ord-${String(i).padStart(4, "0")}`,
    ts: new Date(Date.parse("2026-01-01T00:00:00Z") + i * 60_000).toISOString(),
    label: i % 2 === 0 ? "legit" : null,
    baseline: "review",
    candidate: "allow",
  }));
}

const candidateOnly: ReplayResult = { candidate: stats(HOSTILE), durationMs: 1200, attemptsPerSecond: 833 };

function withBaseline(changeCount: number): ReplayResult {
  const list = changes(changeCount);
  return {
    candidate: stats("candidate"),
    baseline: stats("current", {
      fraud: { total: 10, stopped: 9, challenged: 0 },
      legit: { total: 900, stopped: 60, challenged: 5 },
      decisions: { allow: 890, challenge: 10, review: 80, deny: 20 },
      rules: { email_velocity: 300, ip_velocity: 50 },
      precision: { email_velocity: 0.1, ip_velocity: 0.02 },
    }),
    changed: list.length,
    changes: list,
    durationMs: 2000,
    attemptsPerSecond: 500,
  };
}

/** The text of the cells in the row headed `label` (tags removed). */
function row(page: string, label: string): string[] {
  const match = new RegExp(`<th scope="row">${label}</th>(.*?)</tr>`).exec(page);
  if (!match) throw new Error(`no row ${label}`);
  return [...match[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ""));
}

function svgs(page: string): string[] {
  return page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

describe("renderHtmlReport", () => {
  for (const [name, result] of [["candidate only", candidateOnly], ["with a baseline", withBaseline(250)]] as const) {
    it(`is one self-contained document (${name})`, () => {
      const page = renderHtmlReport(result, META);
      expect(page.startsWith("<!doctype html>")).toBe(true);
      expect(page.match(/<html/g)).toHaveLength(1);
      expect(page).not.toMatch(/https?:\/\//);
      expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
      expect(page).toMatch(/<title>Vakt backtest: [^<]+<\/title>/);
      expect(page).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none'`);
    });

    it(`draws one accessible SVG per chart (${name})`, () => {
      const page = renderHtmlReport(result, META);
      const charts = svgs(page);
      expect(charts).toHaveLength(3);
      for (const [chart, id] of charts.map((c, i) => [c, ["chart-decisions", "chart-rules", "chart-rates"][i]!])) {
        expect(chart).toContain(`role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc"`);
        expect(chart).toMatch(new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`));
      }
      expect(page.match(/<h2 /g)!.length).toBeGreaterThanOrEqual(4);
      expect(page.match(/<table/g)!.length).toBe(page.match(/<caption>/g)!.length);
    });
  }

  it("writes the headline numbers as text, with the stop and catch rates computed", () => {
    const page = renderHtmlReport(candidateOnly, META);
    expect(row(page, "Attempts")).toEqual(["1,000"]);
    expect(row(page, "Attempts stopped")).toEqual(["40"]);
    expect(row(page, "Stop rate")).toEqual(["4.0%"]); // (30 review + 10 deny) / 1000
    expect(row(page, "Frauds missed")).toEqual(["2"]);
    expect(row(page, "Catch rate")).toEqual(["80.0%"]); // (7 stopped + 1 challenged) / 10
    expect(row(page, "Genuine orders let through")).toEqual(["835"]);
    expect(page).toContain("attempts stopped ÷ all attempts");
    expect(page).toContain("(frauds stopped + frauds challenged) ÷ labelled frauds");
    expect(page).toContain("3 input lines were skipped");
    expect(page).toContain("7d");
  });

  it("sets candidate and baseline side by side with the change", () => {
    const page = renderHtmlReport(withBaseline(3), META);
    expect(row(page, "Stop rate")).toEqual(["4.0%", "10.0%", "−6.0 pp"]);
    expect(row(page, "Genuine orders stopped")).toEqual(["25", "60", "−35 (−58.3%)"]);
    expect(row(page, "Catch rate")).toEqual(["80.0%", "90.0%", "−10.0 pp"]);
    expect(row(page, "<code>email_velocity</code>")).toEqual(["120", "25.0%", "300", "10.0%"]);
    expect(row(page, "<code>ip_velocity</code>")).toEqual(["0", "—", "50", "2.0%"]);
    expect(row(page, "review → allow")).toEqual(["3", "0", "2"]);
    expect(svgs(page)[2]).toContain("marker-end"); // the arrow from baseline to candidate
  });

  it("escapes rule names, ruleset names and order ids from the input", () => {
    const page = renderHtmlReport(withBaseline(5), META);
    const single = renderHtmlReport(candidateOnly, META);
    for (const p of [page, single]) {
      expect(p).not.toContain(HOSTILE);
      expect(p).toContain(escapeHtml(HOSTILE));
    }
    expect(single).toContain(`<title>Vakt backtest: ${escapeHtml(HOSTILE)}</title>`);
    expect(renderHtmlReport(candidateOnly, { ...META, input: `"><script>x</script>` })).not.toContain("<script>");
  });

  it(`lists the changed attempts, the first ${CHANGES_SHOWN}, and counts the rest`, () => {
    const page = renderHtmlReport(withBaseline(250), META);
    expect(page).toContain("<code>ord-0001</code>");
    expect(page).toContain("<code>ord-0199</code>");
    expect(page).not.toContain("ord-0200");
    expect(page).toContain("2026-01-01 00:01:00");
    expect(page).toContain("… and 50 more changed attempts.");
    expect(page).toContain("(the first 200 of 250)");
    expect(row(page, "review → allow")).toEqual(["250", "0", "125"]);

    const few = renderHtmlReport(withBaseline(2), META);
    expect(few).toContain("<code>ord-0001</code>");
    expect(few).not.toContain("more changed");
    expect(renderHtmlReport(withBaseline(0), META)).toContain("No attempt got a different decision");
    expect(renderHtmlReport(candidateOnly, META)).not.toContain("Changed attempts");
  });

  it("still draws every chart without labelled frauds or rule hits", () => {
    const page = renderHtmlReport({ ...candidateOnly, candidate: stats("empty", { fraud: { total: 0, stopped: 0, challenged: 0 }, rules: {}, precision: {} }) }, META);
    const charts = svgs(page);
    expect(charts).toHaveLength(3);
    expect(charts[1]).toContain("No rule hit any attempt.");
    expect(charts[2]).toContain("the catch rate is unknown");
    expect(row(page, "Catch rate")).toEqual(["—"]);
  });
});

describe("html", () => {
  it("escapes interpolated values and keeps nested templates", () => {
    expect(html`<p title="${`a"b`}">${"<b>&"}${html`<i>${"'"}</i>`}${[1, 2.345]}</p>`.text).toBe('<p title="a&quot;b">&lt;b&gt;&amp;<i>&#39;</i>12.3</p>');
  });
});
