/**
 * Escaped HTML templates and small inline SVG charts for the backtest report: plain strings, no
 * script, no external resources. Every interpolated value is escaped unless it is itself `Html`.
 */

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A template tag: strings and arrays are escaped and joined, `Html` values kept as they are; numbers
 * (chart coordinates) are written with at most one decimal, so format numbers meant for reading first.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "number") return String(Number(value.toFixed(1)));
  return escapeHtml(String(value));
}

export interface SeriesStyle {
  name: string;
  fill: string;
  stroke: string;
}

/** The chart's accessible name (title) and description; `id` must be unique in the document. */
export interface ChartLabel {
  id: string;
  title: string;
  desc: string;
}

const CHAR_PX = 6.8;
const INK = "#1a1a1a";
const MUTED = "#595959";
const GRID = "#d9d9d9";

function svg(label: ChartLabel, width: number, height: number, body: unknown): Html {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return html`<svg role="img" aria-labelledby="${label.id}-title" aria-describedby="${label.id}-desc" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="system-ui, sans-serif" font-size="12" fill="${INK}"><title id="${label.id}-title">${label.title}</title><desc id="${label.id}-desc">${label.desc}</desc>${body}</svg>`;
}

function legend(series: SeriesStyle[], x: number, y: number): Html[] {
  let at = x;
  return series.map((s) => {
    const item = html`<rect x="${at}" y="${y - 10}" width="12" height="12" fill="${s.fill}" stroke="${s.stroke}"/><text x="${at + 18}" y="${y}">${s.name}</text>`;
    at += 18 + s.name.length * CHAR_PX + 20;
    return item;
  });
}

function legendWidth(series: SeriesStyle[]): number {
  return series.reduce((sum, s) => sum + 18 + s.name.length * CHAR_PX + 20, 6);
}

function message(label: ChartLabel, text: string): Html {
  return svg(label, 480, 60, html`<text x="12" y="34" fill="${MUTED}">${text}</text>`);
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

export interface Panel {
  label: string;
  /** One per series: the bar's value and the text written above it (two lines). */
  bars: { value: number; lines: [string, string] }[];
}

/**
 * Small multiples: one panel of vertical bars per category, each panel on its own scale, so that a
 * category with few members (deny) is as readable as a large one (allow). The numbers are written.
 */
export function columnPanels(label: ChartLabel, series: SeriesStyle[], panels: Panel[]): Html {
  const barW = 56, gap = 12, pad = 18, plotH = 140, top = 64, bottom = 30;
  const panelW = series.length * barW + (series.length - 1) * gap + 2 * pad;
  const width = Math.max(panels.length * panelW, legendWidth(series));
  const base = top + plotH;
  const body = panels.map((panel, p) => {
    const left = p * panelW;
    const max = Math.max(...panel.bars.map((b) => b.value), 0);
    const bars = panel.bars.map((bar, i) => {
      const s = series[i]!;
      const h = max > 0 ? (bar.value / max) * plotH : 0;
      const x = left + pad + i * (barW + gap);
      const cx = x + barW / 2;
      return html`<rect x="${x}" y="${base - h}" width="${barW}" height="${Math.max(h, 0.5)}" fill="${s.fill}" stroke="${s.stroke}"/><text x="${cx}" y="${base - h - 20}" text-anchor="middle" font-weight="600">${bar.lines[0]}</text><text x="${cx}" y="${base - h - 6}" text-anchor="middle" fill="${MUTED}" font-size="11">${bar.lines[1]}</text>`;
    });
    return html`<g>${bars}<line x1="${left + 6}" x2="${left + panelW - 6}" y1="${base}" y2="${base}" stroke="${MUTED}"/><text x="${left + panelW / 2}" y="${base + 20}" text-anchor="middle" font-weight="600">${panel.label}</text></g>`;
  });
  return svg(label, width, top + plotH + bottom, [legend(series, 6, 18), body]);
}

export interface BarRow {
  label: string;
  /** One per series: the bar's value and the note written after it. */
  bars: { value: number; note: string }[];
}

/** Horizontal grouped bars on one shared scale, one group per row, the numbers written after each bar. */
export function barRows(label: ChartLabel, series: SeriesStyle[], rows: BarRow[], emptyText: string): Html {
  if (rows.length === 0) return message(label, emptyText);
  const labelW = Math.min(Math.max(...rows.map((r) => r.label.length)) * CHAR_PX + 14, 230);
  const plotW = 340, noteW = 170, barH = 14, barGap = 3, rowGap = 12, top = 34;
  const groupH = series.length * barH + (series.length - 1) * barGap;
  const max = Math.max(...rows.flatMap((r) => r.bars.map((b) => b.value)), 1);
  const maxChars = Math.floor((labelW - 14) / CHAR_PX);
  const body = rows.map((row, r) => {
    const y = top + r * (groupH + rowGap);
    const bars = row.bars.map((bar, i) => {
      const s = series[i]!;
      const w = (bar.value / max) * plotW;
      const by = y + i * (barH + barGap);
      return html`<rect x="${labelW}" y="${by}" width="${Math.max(w, 0.5)}" height="${barH}" fill="${s.fill}" stroke="${s.stroke}"/><text x="${labelW + w + 6}" y="${by + barH - 3}" font-size="11">${bar.note}</text>`;
    });
    const name = truncate(row.label, maxChars);
    const title = name === row.label ? "" : html`<title>${row.label}</title>`;
    return html`<g><text x="${labelW - 8}" y="${y + groupH / 2 + 4}" text-anchor="end">${title}${name}</text>${bars}</g>`;
  });
  const height = top + rows.length * (groupH + rowGap);
  const axis = html`<line x1="${labelW}" x2="${labelW}" y1="${top - 4}" y2="${height - rowGap + 4}" stroke="${MUTED}"/>`;
  return svg(label, Math.max(labelW + plotW + noteW, legendWidth(series)), height, [legend(series, 6, 18), body, axis]);
}

export interface Point {
  label: string;
  x: number;
  y: number;
  style: SeriesStyle;
  shape: "circle" | "square";
}

export interface PointAxes {
  x: string;
  y: string;
  /** Where the y axis starts (it ends at 1); the x axis runs from 0. */
  yMin: number;
  note: string;
}

/** Round a positive number up to 1, 2 or 5 times a power of ten. */
export function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

const tickPercent = (share: number) => `${Number((share * 100).toFixed(2))}%`;

/**
 * Points of two shares (0–1) with a label beside each; with two points, an arrow from the second
 * (the baseline) to the first (the candidate).
 */
export function pointChart(label: ChartLabel, points: Point[], axes: PointAxes, emptyText: string): Html {
  if (points.length === 0) return message(label, emptyText);
  const left = 64, top = 40, plotW = 400, plotH = 240, right = 230, bottom = 50;
  const xMax = niceCeil(Math.max(...points.map((p) => p.x)) * 1.25 || 0.01);
  const px = (v: number) => left + (v / xMax) * plotW;
  const py = (v: number) => top + plotH - ((v - axes.yMin) / (1 - axes.yMin)) * plotH;
  const steps = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const grid = steps.map((t) => {
    const x = px(t * xMax), y = py(axes.yMin + t * (1 - axes.yMin));
    return html`<line x1="${px(0)}" x2="${px(xMax)}" y1="${y}" y2="${y}" stroke="${GRID}"/><text x="${left - 8}" y="${y + 4}" text-anchor="end" fill="${MUTED}">${tickPercent(axes.yMin + t * (1 - axes.yMin))}</text><line x1="${x}" x2="${x}" y1="${py(axes.yMin)}" y2="${py(1)}" stroke="${GRID}"/><text x="${x}" y="${py(axes.yMin) + 18}" text-anchor="middle" fill="${MUTED}">${tickPercent(t * xMax)}</text>`;
  });
  const frame = html`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(axes.yMin)}" y2="${py(axes.yMin)}" stroke="${MUTED}"/><line x1="${px(0)}" x2="${px(0)}" y1="${py(axes.yMin)}" y2="${py(1)}" stroke="${MUTED}"/><text x="${left + plotW / 2}" y="${top + plotH + 42}" text-anchor="middle" font-weight="600">${axes.x}</text><text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-weight="600">${axes.y}</text><text x="${left}" y="16" fill="${MUTED}">${axes.note}</text>`;
  const marks = points.map((p, i) => {
    const x = px(p.x), y = py(p.y);
    const shape = p.shape === "circle"
      ? html`<circle cx="${x}" cy="${y}" r="7" fill="${p.style.fill}" stroke="${p.style.stroke}" stroke-width="1.5"/>`
      : html`<rect x="${x - 6.5}" y="${y - 6.5}" width="13" height="13" fill="${p.style.fill}" stroke="${p.style.stroke}" stroke-width="1.5"/>`;
    return html`${shape}<text x="${x + 12}" y="${i === 0 ? y - 8 : y + 18}" stroke="#fff" stroke-width="4" paint-order="stroke">${p.label}</text>`;
  });
  return svg(label, left + plotW + right, top + plotH + bottom, [grid, frame, arrow(label.id, points, px, py), marks]);
}

function arrow(id: string, points: Point[], px: (v: number) => number, py: (v: number) => number): Html | "" {
  const [to, from] = points;
  if (!to || !from) return "";
  const x1 = px(from.x), y1 = py(from.y), x2 = px(to.x), y2 = py(to.y);
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (length < 24) return "";
  const at = (share: number) => [x1 + (x2 - x1) * share, y1 + (y2 - y1) * share] as const;
  const [sx, sy] = at(10 / length);
  const [ex, ey] = at((length - 11) / length);
  return html`<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="${MUTED}"/></marker></defs><line x1="${sx}" y1="${sy}" x2="${ex}" y2="${ey}" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="4 3" marker-end="url(#${id}-arrow)"/>`;
}
