/** The console's stylesheet, served as /console/console.css (a file, so the CSP needs no 'unsafe-inline'). */
export const CONSOLE_CSS = `
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --bg: #f6f7f9; --card: #fff; --accent: #1f5fbf;
  --allow: #2f7d32; --challenge: #8a6d00; --review: #b3541e; --deny: #b0263a; --font: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 var(--font); color: var(--ink); background: var(--bg); }
h1, h2, h3 { line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; } h3 { font-size: .95rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
a { color: var(--accent); }
button { font: inherit; cursor: pointer; border-radius: 6px; border: 1px solid var(--line); background: var(--card); padding: .35rem .8rem; }
button:focus-visible, a:focus-visible, select:focus-visible, textarea:focus-visible, input:focus-visible, li:focus-visible { outline: 3px solid #7aa7ee; outline-offset: 1px; }
button.link { border: 0; background: none; color: var(--accent); padding: .2rem .4rem; }
button:disabled { opacity: .5; cursor: default; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .92em; }
.muted { color: var(--muted); } .hint { color: var(--muted); font-size: .85em; margin: .4rem 0 0; }
.error { color: var(--deny); font-weight: 600; } .warn { color: var(--review); }
.loading { padding: 2rem; }
kbd { font: 600 .85em ui-monospace, monospace; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 .35em; background: #fff; }

.login { display: grid; place-items: center; min-height: 100vh; }
.login form { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 2rem; width: min(360px, 92vw); display: grid; gap: .6rem; }
.login h1 { font-size: 1.2rem; }
.login input { font: inherit; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; }
.login button { background: var(--accent); color: #fff; border-color: var(--accent); padding: .5rem; }
.login .error { min-height: 1.4em; margin: 0; }

.top { display: flex; align-items: center; gap: 1rem; padding: .55rem 1.2rem; background: #14213d; color: #fff; }
.top .brand { font-size: 1.05rem; letter-spacing: .06em; }
.top nav { display: flex; gap: .3rem; flex: 1; }
.top nav a, .top button.link { color: #dbe4f3; text-decoration: none; padding: .3rem .6rem; border-radius: 6px; }
.top nav a[aria-current="page"] { background: rgba(255,255,255,.14); color: #fff; }

.queue-page { display: grid; grid-template-columns: minmax(280px, 360px) 1fr; gap: 1rem; padding: 1rem 1.2rem; align-items: start; }
.queue, .detail, .part, .page-attempt > article { background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
.queue { padding: .9rem; position: sticky; top: .5rem; max-height: calc(100vh - 5rem); display: flex; flex-direction: column; }
.filters { display: grid; gap: .4rem; margin-bottom: .6rem; }
.filters label { display: grid; grid-template-columns: 3.2rem 1fr; align-items: center; font-size: .9em; color: var(--muted); }
.filters select { font: inherit; padding: .25rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.items { list-style: none; margin: 0; padding: 0; overflow-y: auto; }
.items li { padding: .5rem .6rem; border-radius: 8px; border: 1px solid transparent; cursor: pointer; display: grid; gap: .15rem; }
.items li + li { margin-top: .2rem; }
.items li.selected { border-color: var(--accent); background: #eef4fd; }
.items .row1 { display: flex; justify-content: space-between; gap: .5rem; font-weight: 600; }
.items .row1 time { font-weight: 400; color: var(--muted); font-size: .9em; }
.items .row2 { display: flex; flex-wrap: wrap; gap: .25rem; }
.items .row3 { font-size: .82em; }
.chip { font-size: .78em; padding: 0 .4rem; border-radius: 99px; background: #eceff3; }
.chip.severity-high { background: #f8d7dc; } .chip.severity-medium { background: #fbe3cf; } .chip.severity-low { background: #f4eec8; }
.empty { color: var(--muted); padding: 1rem 0; }

.detail { padding: 1rem 1.2rem; min-height: 60vh; }
.detail .status, .page-attempt .status { min-height: 1.3em; margin: 0 0 .4rem; color: var(--allow); font-weight: 600; }
.verdict { display: grid; grid-template-columns: 1fr auto; gap: .3rem .8rem; align-items: end; padding-bottom: .9rem; margin-bottom: .9rem; border-bottom: 1px solid var(--line); }
.verdict label { grid-column: 1 / -1; font-size: .85em; color: var(--muted); }
.verdict textarea { font: inherit; padding: .4rem; border: 1px solid var(--line); border-radius: 6px; resize: vertical; }
.verdict .buttons { display: flex; gap: .4rem; }
button.approve { background: var(--allow); border-color: var(--allow); color: #fff; }
button.reject { background: var(--deny); border-color: var(--deny); color: #fff; }

.attempt-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem .8rem; margin-bottom: .6rem; }
.attempt-head h2 { margin: 0; }
.attempt-head .closed { flex-basis: 100%; margin: 0; }
.attempt .part { border: 0; border-top: 1px solid var(--line); border-radius: 0; padding: .7rem 0; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 1.5rem; }
.reasons { margin: 0; padding: 0; list-style: none; display: grid; gap: .25rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
.badge { display: inline-block; font-size: .78em; font-weight: 600; padding: .05rem .45rem; border-radius: 4px; background: #eceff3; text-transform: lowercase; }
.decision-allow, .label-legit, .label-approved { background: #dcefdc; color: var(--allow); }
.decision-challenge { background: #f6edc4; color: var(--challenge); }
.decision-review { background: #fbe3cf; color: var(--review); }
.decision-deny, .label-fraud, .label-rejected { background: #f8d7dc; color: var(--deny); }
.severity-none { background: transparent; color: var(--muted); font-weight: 400; }
.severity-low { background: #f4eec8; color: #6d5a00; } .severity-medium { background: #fbe3cf; color: var(--review); } .severity-high { background: #f8d7dc; color: var(--deny); }
.status-timeout, .status-error { background: #2b2d42; color: #fff; }
table.grid { border-collapse: collapse; width: 100%; font-size: .92em; }
table.grid th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); padding: .25rem .5rem .25rem 0; }
table.grid td { border-bottom: 1px solid #eef0f3; padding: .22rem .5rem .22rem 0; vertical-align: top; }
table.grid .num { text-align: right; font-variant-numeric: tabular-nums; }
table.matrix tr.quiet td { color: var(--muted); }
table.matrix tr.hit td:first-child { font-weight: 600; }
table.matrix tr.missed td { background: #f1f2f6; }
table.links tr.fraud td { background: #fdf0f2; }
table.shadow tr.disagrees td { background: #fff7ee; }
.page-attempt { padding: 1rem 1.2rem; max-width: 1100px; }
.page-attempt > article { padding: 1rem 1.2rem; }
.page-attempt .verdict { margin-top: 1rem; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem; }

.overview { padding: 1rem 1.2rem; display: grid; gap: 1rem; }
.overview .part { padding: .9rem 1.1rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.charts figure { margin: 0; } .charts figcaption { font-weight: 600; margin-bottom: .2rem; }
svg.chart { font: 12px var(--font); fill: var(--ink); max-width: 100%; height: auto; }
svg.chart .tick { fill: var(--muted); font-size: 11px; } svg.chart .value { font-size: 11px; }
svg.chart .grid-line { stroke: #e6e9ee; } svg.chart .axis { stroke: #8a929c; }
svg.chart .bar { fill: #5b8bd6; } svg.chart .bar.alert { fill: var(--deny); }

.overlay { position: fixed; inset: 0; background: rgba(20,33,61,.45); display: grid; place-items: center; }
.dialog { background: #fff; border-radius: 10px; padding: 1.2rem 1.4rem; min-width: 360px; }
.shortcuts { border-collapse: collapse; margin-bottom: 1rem; }
.shortcuts th { text-align: left; padding: .25rem 1rem .25rem 0; font-weight: 400; }
@media (max-width: 800px) { .queue-page { grid-template-columns: 1fr; } .queue { position: static; max-height: none; } }
`;
