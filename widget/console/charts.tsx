const DECISION_COLOURS = { allow: "#7fb77e", challenge: "#e9c46a", review: "#f4a261", deny: "#d1495b" } as const;

const DECISIONS = ["allow", "challenge", "review", "deny"] as const;
type Counts = Record<(typeof DECISIONS)[number], number>;

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** Decisions per day, stacked, one bar per UTC day, with the day's total above it. */
export function DecisionsChart({ id, title, days, counts }: { id: string; title: string; days: string[]; counts: Counts[] }) {
  const left = 44, top = 30, barW = 26, gap = 10, plotH = 150, bottom = 34;
  const width = left + days.length * (barW + gap) + 10;
  const totals = counts.map((c) => DECISIONS.reduce((sum, d) => sum + c[d], 0));
  const max = niceMax(Math.max(...totals, 0));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const summary = DECISIONS.map((d) => `${d} ${counts.reduce((sum, c) => sum + c[d], 0)}`).join(", ");
  return (
    <svg class="chart" role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${width} ${top + plotH + bottom}`} width={width} height={top + plotH + bottom}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>Over {days.length} days: {summary}.</desc>
      {[0, 0.5, 1].map((t) => (
        <g key={t}>
          <line x1={left} x2={width - 6} y1={y(t * max)} y2={y(t * max)} class="grid-line" />
          <text x={left - 6} y={y(t * max) + 4} text-anchor="end" class="tick">{Math.round(t * max)}</text>
        </g>
      ))}
      {counts.map((c, i) => {
        const x = left + i * (barW + gap) + gap / 2;
        let base = 0;
        return (
          <g key={days[i]}>
            {DECISIONS.map((d) => {
              if (c[d] === 0) return null;
              const rect = <rect key={d} x={x} y={y(base + c[d])} width={barW} height={y(base) - y(base + c[d])} fill={DECISION_COLOURS[d]}><title>{`${days[i]}: ${c[d]} ${d}`}</title></rect>;
              base += c[d];
              return rect;
            })}
            {totals[i]! > 0 && <text x={x + barW / 2} y={y(totals[i]!) - 4} text-anchor="middle" class="value">{totals[i]}</text>}
            {(i % 2 === days.length % 2 || days.length <= 7) && <text x={x + barW / 2} y={top + plotH + 16} text-anchor="middle" class="tick">{days[i]!.slice(5)}</text>}
          </g>
        );
      })}
      <line x1={left} x2={width - 6} y1={top + plotH} y2={top + plotH} class="axis" />
      <g class="legend">
        {DECISIONS.map((d, i) => (
          <g key={d} transform={`translate(${left + i * 86} 12)`}>
            <rect x={0} y={-9} width={10} height={10} fill={DECISION_COLOURS[d]} />
            <text x={14} y={0}>{d}</text>
          </g>
        ))}
      </g>
    </svg>
  );
}

export interface HBar {
  label: string;
  value: number;
  note: string;
  isAlert?: boolean;
}

/** Horizontal bars on one scale (0 to `max`), the number written after each bar. */
export function HBars({ id, title, rows, max }: { id: string; title: string; rows: HBar[]; max: number }) {
  const labelW = 150, plotW = 260, noteW = 150, rowH = 20, top = 6;
  const height = top + rows.length * rowH + 4;
  const scale = max > 0 ? max : 1;
  return (
    <svg class="chart" role="img" aria-labelledby={`${id}-t`} viewBox={`0 0 ${labelW + plotW + noteW} ${height}`} width={labelW + plotW + noteW} height={height}>
      <title id={`${id}-t`}>{title}</title>
      {rows.map((row, i) => {
        const w = Math.max((row.value / scale) * plotW, row.value > 0 ? 1.5 : 0);
        const yy = top + i * rowH;
        return (
          <g key={row.label}>
            <text x={labelW - 8} y={yy + 13} text-anchor="end">{row.label}</text>
            <rect x={labelW} y={yy + 3} width={w} height={12} class={row.isAlert ? "bar alert" : "bar"} />
            <text x={labelW + w + 6} y={yy + 13} class="value">{row.note}</text>
          </g>
        );
      })}
      <line x1={labelW} x2={labelW} y1={top} y2={height - 4} class="axis" />
    </svg>
  );
}
