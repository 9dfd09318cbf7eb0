import { barChart, figure, stackedColumns } from './charts';
import type { DashboardFigures } from './dashboard-figures';
import { exampleForm } from './example-pages';
import { esc } from './html';

/** What the unanswered table needs to offer "add as example" (admins, with their CSRF token). */
export interface ExampleOffer {
  readonly csrf: string;
  readonly entryIds: readonly string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** The admin dashboard's body: figures and server-rendered SVG charts, no script. */
export function dashboardBody(f: DashboardFigures, sinceDays: number, offer: ExampleOffer, notice = ''): string {
  const s = f.stats;
  const fr = f.firstResponse;
  const rated = f.csat.reduce((a, b) => a + b.count, 0);
  const unanswered = f.unanswered
    .map(
      (c, i) =>
        `<tr><td>${c.count}</td><td>${c.examples.map((e) => esc(e)).join('<br>')}</td><td>${c.nearestEntry ? `${esc(c.nearestEntry.id)} (${c.nearestEntry.score.toFixed(2)})` : '—'}</td><td>${exampleForm(offer.csrf, c, offer.entryIds, i)}</td></tr>`,
    )
    .join('');
  return `${notice}<h1>Dasbor / Dashboard <small>${sinceDays} hari terakhir / last ${sinceDays} days</small></h1>
<section class="figures">
${figure('Percakapan / Conversations', String(s.conversations), `${s.questions} pertanyaan / questions`)}
${figure('Ditangani bot / Containment', pct(s.containmentRate))}
${figure('Diteruskan ke CS / Handoff rate', pct(s.handoffRate))}
${figure('Pertanyaan balik / Clarification rate', pct(s.clarificationRate))}
${figure(
  'Respons pertama / First response (median)',
  fr.medianMinutes === null ? '—' : `${fr.medianMinutes.toFixed(1)} min`,
  `${fr.withinTarget}/${fr.tickets} ≤ ${fr.targetMinutes} min (target)`,
)}
${figure('CSAT', s.csatAverage === null ? '—' : `${s.csatAverage.toFixed(2)} / 5`, `${rated} jawaban / answers`)}
</section>
<section class="charts">
${stackedColumns(
  'Percakapan per hari per kanal / Conversations per day by channel',
  f.perDay.map((d) => ({ label: d.day, parts: d.channels })),
)}
${barChart(
  'Keputusan / Decisions',
  Object.entries(s.decisions).map(([label, value]) => ({ label, value })),
)}
<div id="csat-chart">${barChart(
    'CSAT (1–5)',
    f.csat.map((c) => ({ label: '★'.repeat(c.rating), value: c.count })),
  )}</div>
${barChart(
  'Entri teratas / Top entries',
  s.topEntries.map((e) => ({ label: e.id, value: e.answers })),
)}
</section>
<section><h2>Pertanyaan tak terjawab / Top unanswered</h2>
<table class="unanswered"><thead><tr><th>#</th><th>Contoh / Examples</th><th>Entri terdekat / Nearest entry</th><th></th></tr></thead><tbody>${unanswered || '<tr><td colspan="4">—</td></tr>'}</tbody></table>
</section>`;
}
