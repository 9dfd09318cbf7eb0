import { esc } from './html';

/** Colours of the channels' bars (cycled), readable on white and by most colour-blind eyes. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** A horizontal bar chart as inline SVG (attributes only, so the strict CSP allows it). */
export function barChart(title: string, bars: readonly Bar[], format: (n: number) => string = String): string {
  const rowHeight = 24;
  const width = 480;
  const labelWidth = 170;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars
    .map((bar, i) => {
      const y = i * rowHeight;
      const w = Math.round(((width - labelWidth - 60) * bar.value) / max);
      return `<g transform="translate(0,${y})"><text x="0" y="16" font-size="12">${esc(bar.label.slice(0, 28))}</text><rect x="${labelWidth}" y="4" width="${w}" height="16" fill="${COLOURS[0]}"></rect><text x="${labelWidth + w + 6}" y="16" font-size="12">${esc(format(bar.value))}</text></g>`;
    })
    .join('');
  const height = Math.max(rowHeight, bars.length * rowHeight);
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${rows || '<text x="0" y="16" font-size="12">—</text>'}</svg></figure>`;
}

/** Stacked columns per day and series (conversations per day by channel), with a legend. */
export function stackedColumns(title: string, columns: readonly { readonly label: string; readonly parts: Readonly<Record<string, number>> }[]): string {
  const series = [...new Set(columns.flatMap((c) => Object.keys(c.parts)))].sort();
  const height = 180;
  const colWidth = 36;
  const width = Math.max(240, columns.length * (colWidth + 8) + 40);
  const max = Math.max(1, ...columns.map((c) => Object.values(c.parts).reduce((a, b) => a + b, 0)));
  const cols = columns
    .map((column, i) => {
      let top = height - 20;
      const x = 30 + i * (colWidth + 8);
      const rects = series
        .map((name, s) => {
          const n = column.parts[name] ?? 0;
          const h = Math.round(((height - 40) * n) / max);
          top -= h;
          return n > 0
            ? `<rect x="${x}" y="${top}" width="${colWidth}" height="${h}" fill="${COLOURS[s % COLOURS.length]}"><title>${esc(`${name}: ${n}`)}</title></rect>`
            : '';
        })
        .join('');
      const total = Object.values(column.parts).reduce((a, b) => a + b, 0);
      return `${rects}<text x="${x + colWidth / 2}" y="${top - 4}" font-size="11" text-anchor="middle">${total}</text><text x="${x + colWidth / 2}" y="${height - 6}" font-size="10" text-anchor="middle">${esc(column.label.slice(5))}</text>`;
    })
    .join('');
  const legend = series
    .map(
      (name, s) =>
        `<span class="key"><svg width="10" height="10"><rect width="10" height="10" fill="${COLOURS[s % COLOURS.length]}"></rect></svg> ${esc(name)}</span>`,
    )
    .join(' ');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${cols}</svg><div class="legend">${legend}</div></figure>`;
}

/** A big number with a caption ("Containment 82.0 %"). */
export function figure(label: string, value: string, note = ''): string {
  return `<div class="figure"><div class="value">${esc(value)}</div><div class="label">${esc(label)}</div>${note ? `<div class="note">${esc(note)}</div>` : ''}</div>`;
}
