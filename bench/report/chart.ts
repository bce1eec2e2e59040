/**
 * Draws throughput against N as an SVG line chart: one line per
 * (database, flow, Flowlane or floor), log-scaled x. Hand-written SVG, no
 * chart dependency.
 */
import type { EngineCase } from '../engine/index.ts';

interface Series {
  label: string;
  color: string;
  dashed: boolean;
  points: Array<{ n: number; value: number }>;
}

const COLORS: Record<string, string> = {
  'sqlite hello': '#1f77b4',
  'sqlite splitjoin': '#2ca02c',
  'postgres hello': '#d62728',
  'postgres splitjoin': '#9467bd',
};

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A "nice" upper bound for the y axis and its tick step. */
function niceScale(max: number): { top: number; step: number } {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step || step, step };
}

export function throughputChart(cases: EngineCase[]): string {
  const series = new Map<string, Series>();
  for (const c of cases) {
    const key = `${c.db} ${c.flow}`;
    for (const who of ['flowlane', 'floor'] as const) {
      const id = `${key} ${who}`;
      let s = series.get(id);
      if (!s) {
        s = { label: `${c.db} ${c.flow === 'hello' ? 'hello world' : 'split/join'} — ${who}`, color: COLORS[key] ?? '#555', dashed: who === 'floor', points: [] };
        series.set(id, s);
      }
      s.points.push({ n: c.n, value: c[who].processesPerSecond });
    }
  }
  const all = [...series.values()];
  const ns = [...new Set(cases.map((c) => c.n))].sort((a, b) => a - b);
  const width = 760;
  const height = 420;
  const left = 70;
  const right = 250;
  const top = 40;
  const bottom = 50;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const { top: yMax, step } = niceScale(Math.max(1, ...all.flatMap((s) => s.points.map((p) => p.value))));
  const [nMin, nMax] = [ns[0] ?? 1, ns[ns.length - 1] ?? 10];
  const x = (n: number) => (nMin === nMax ? left + plotW / 2 : left + ((Math.log10(n) - Math.log10(nMin)) / (Math.log10(nMax) - Math.log10(nMin))) * plotW);
  const y = (v: number) => top + plotH - (v / yMax) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">Processes per second against N (median of runs)</text>`);
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v).toLocaleString('en-US')}</text>`);
  }
  for (const n of ns) {
    out.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${top}" y2="${top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x(n)}" y="${top + plotH + 18}" text-anchor="middle">${n.toLocaleString('en-US')}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 12}" text-anchor="middle">N (processes per run, log scale)</text>`);
  out.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">processes/s</text>`);
  all.forEach((s, i) => {
    const points = [...s.points].sort((a, b) => a.n - b.n);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${points.map((p) => `${x(p.n).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`);
    for (const p of points) out.push(`<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${left + plotW + 15}" x2="${left + plotW + 45}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${left + plotW + 52}" y="${ly + 4}">${escape(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
