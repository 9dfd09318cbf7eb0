import { isAbsolute, relative } from 'node:path';
import type { UnansweredCluster } from '../eval/reports';
import type { ExamplePlan, ExampleProblem } from './add-example';
import { esc } from './html';

const PROBLEM_TEXT: Readonly<Record<ExampleProblem, string>> = {
  'no-entry': 'Entri tidak ada. / No such entry.',
  empty: 'Contohnya kosong. / The example is empty.',
  exists: 'Entri ini sudah punya contoh itu. / The entry already has this example.',
  layout:
    'Daftar contoh entri ini ditulis dengan cara yang tidak bisa diubah otomatis; ubah file-nya langsung. / This entry’s examples are written in a way the console cannot change safely; edit the file by hand.',
  changed: 'File berubah sejak pratinjau; periksa lagi. / The file changed since the preview; review it again.',
};

/** Where a knowledge file is, as editors know it: relative to the working folder when inside it. */
export function shownPath(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

/** The "add as example" form under an unanswered cluster: its first question, to the nearest entry or another. */
export function exampleForm(csrf: string, cluster: UnansweredCluster, entryIds: readonly string[], index: number): string {
  const question = cluster.examples[0] ?? '';
  const nearest = cluster.nearestEntry?.id;
  const options = entryIds.map((id) => `<option value="${esc(id)}"${id === nearest ? ' selected' : ''}>${esc(id)}</option>`).join('');
  return `<form method="post" action="/console/examples/preview" class="add-example" id="add-example-${index}">
<input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="text" value="${esc(question)}">
<select name="entry" aria-label="Entri / Entry">${options}</select>
<select name="lang" aria-label="Bahasa / Language"><option value="id">id</option><option value="en">en</option></select>
<button type="submit">Tambah sebagai contoh… / Add as example…</button></form>`;
}

/** The preview: the file, the lines to add with their context, and the confirmation. */
export function previewBody(csrf: string, plan: ExamplePlan): string {
  const diff = plan.diff.map((d) => `<span class="${d.kind}">${d.kind === 'added' ? '+' : ' '}${String(d.line).padStart(5)}  ${esc(d.text)}</span>`).join('\n');
  return `<h1>Tambah contoh / Add an example</h1>
<p>“${esc(plan.example)}” → <strong>${esc(plan.entryId)}</strong> (questions.${plan.lang}) di / in <code>${esc(shownPath(plan.file))}</code></p>
<pre class="diff" id="diff">${diff}</pre>
<form method="post" action="/console/examples/add" class="confirm">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<input type="hidden" name="entry" value="${esc(plan.entryId)}"><input type="hidden" name="lang" value="${plan.lang}">
<input type="hidden" name="text" value="${esc(plan.example)}"><input type="hidden" name="digest" value="${plan.digest}">
<button type="submit" class="primary">Ya, tulis ke file / Yes, write it</button> <a href="/console/dashboard">Batal / Cancel</a>
</form>`;
}

/** Why the example was not added (or will not be). */
export function problemBody(problem: ExampleProblem, file?: string): string {
  return `<h1>Tambah contoh / Add an example</h1><p class="error" role="alert">${PROBLEM_TEXT[problem]}${file ? ` (<code>${esc(shownPath(file))}</code>)` : ''}</p><p><a href="/console/dashboard">Dasbor / Dashboard</a></p>`;
}

/** The notice on the dashboard after an example was written. */
export function addedNotice(entryId: string, file: string): string {
  return `<p class="notice" role="status" id="added">Contoh ditambahkan ke ${esc(entryId)} (${esc(shownPath(file))}); bot memuatnya ulang otomatis. / Example added to ${esc(entryId)} (${esc(shownPath(file))}); the bot reloads it by itself.</p>`;
}
