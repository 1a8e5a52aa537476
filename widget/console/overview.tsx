import { useEffect, useState } from "preact/hooks";
import { api, type Overview } from "./api.js";
import { DecisionsChart, HBars } from "./charts.js";
import { ms, percent } from "./format.js";

/** Decisions per day per site, rule hit rates and timings, live against shadow: the last 14 days of stored attempts. */
export function OverviewPage() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api.overview().then(setOverview, (err: Error) => setError(err.message));
  }, []);

  if (error) return <main class="overview"><p class="error" role="alert">{error}</p></main>;
  if (!overview) return <main class="overview"><p class="muted">Counting the last 14 days…</p></main>;

  const ran = overview.rules.filter((r) => r.runs > 0);
  const slowest = Math.max(...ran.map((r) => r.p99Ms), 0);
  return (
    <main class="overview">
      <h2>Overview</h2>
      <p class="muted">
        {overview.attempts} attempts from {overview.days[0]} to {overview.days.at(-1)} (UTC), read from the store.
        {overview.cappedDays.length > 0 && (
          <strong class="warn"> Capped: on {overview.cappedDays.join(", ")} only the first {overview.perDayCap} attempts were counted.</strong>
        )}
      </p>

      <section class="part">
        <h3>Decisions per day</h3>
        {overview.decisions.length === 0 && <p class="muted">No attempts in the window.</p>}
        <div class="charts">
          {overview.decisions.map((site, i) => (
            <figure key={site.site}>
              <figcaption>{site.site}</figcaption>
              <DecisionsChart id={`decisions-${i}`} title={`Decisions per day for ${site.site}`} days={overview.days} counts={site.days} />
            </figure>
          ))}
        </div>
      </section>

      <div class="columns">
        <section class="part">
          <h3>Rule hit rates (live ruleset)</h3>
          <p class="hint">Share of executions with a severity above none.</p>
          <HBars id="hits" title="Rule hit rates" max={Math.max(...ran.map((r) => r.hits / r.runs), 0)} rows={ran.map((r) => ({ label: r.rule, value: r.hits / r.runs, note: `${percent(r.hits, r.runs)} (${r.hits} of ${r.runs})` }))} />
        </section>
        <section class="part">
          <h3>Rule timing, p99 (p50), budget misses</h3>
          <p class="hint">A rule that misses its time budget gets its pre-set severity; misses are timeouts and errors.</p>
          <HBars
            id="timing"
            title="Rule timing p99"
            max={slowest}
            rows={[...ran].sort((a, b) => b.p99Ms - a.p99Ms).map((r) => ({
              label: r.rule,
              value: r.p99Ms,
              isAlert: r.timeouts + r.errors > 0,
              note: `${ms(r.p99Ms)} (${ms(r.p50Ms)})${r.timeouts + r.errors > 0 ? ` · ${r.timeouts} timeouts, ${r.errors} errors` : ""}`,
            }))}
          />
        </section>
      </div>

      <section class="part">
        <h3>Live against shadow</h3>
        {overview.shadow.length === 0 ? (
          <p class="muted">No shadow ruleset ran in the window (name one in a site's <code>shadow</code> list).</p>
        ) : (
          <table class="grid">
            <thead>
              <tr><th scope="col">site</th><th scope="col">shadow ruleset</th><th scope="col" class="num">attempts</th><th scope="col" class="num">disagree</th><th scope="col">how (live → shadow)</th></tr>
            </thead>
            <tbody>
              {overview.shadow.map((s) => (
                <tr key={`${s.site}/${s.ruleset}`}>
                  <td>{s.site}</td>
                  <td>{s.ruleset}</td>
                  <td class="num">{s.attempts}</td>
                  <td class="num">{s.disagree} ({percent(s.disagree, s.attempts)})</td>
                  <td>{Object.entries(s.changes).sort((a, b) => b[1] - a[1]).map(([change, n]) => `${change.replace("->", " → ")}: ${n}`).join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
