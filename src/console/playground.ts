import { Engine } from '../engine/engine';
import { decisionEntryId, decisionScore, type TurnResult } from '../core/types';
import type { LoadedFlow } from '../flows/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import { renderAsText } from '../channels/text';
import { SqliteStore } from '../storage/sqlite-store';
import { esc } from './html';

/** Most characters of a playground message (longer ones are cut). */
export const MAX_PLAYGROUND_CHARS = 500;

/**
 * One message through the served knowledge base, as a new customer would send it, in a throwaway
 * in-memory store: nothing reaches the bot's database, reports or agents.
 */
export async function tryMessage(kb: KnowledgeBase, flows: readonly LoadedFlow[], text: string): Promise<TurnResult> {
  const store = new SqliteStore(':memory:');
  try {
    const engine = new Engine(kb, store, { flows });
    return await engine.handle({
      channel: 'console',
      conversationId: 'console:playground',
      userId: 'playground',
      messageId: 'p1',
      text: text.slice(0, MAX_PLAYGROUND_CHARS),
      receivedAt: new Date(),
    });
  } finally {
    await store.close();
  }
}

/** The playground's form, and the result of the last message when there is one. */
export function playgroundBody(csrf: string, text: string, result?: TurnResult): string {
  const form = `<h1>Uji coba / Playground</h1>
<form method="post" action="/console/playground" class="playground">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<label>Pesan pelanggan / Customer message <input name="text" value="${esc(text)}" maxlength="${MAX_PLAYGROUND_CHARS}" required autofocus></label>
<button type="submit">Coba / Try</button>
</form>`;
  if (!result) return form;
  const e = result.explanation;
  const entities = Object.entries(e.entities)
    .map(([k, v]) => `${esc(k)}: ${esc(String(v))}`)
    .join(', ');
  const candidates = e.candidates
    .slice(0, 5)
    .map((c) => `<tr><td>${esc(c.entryId)}</td><td>${c.score.toFixed(3)}</td></tr>`)
    .join('');
  const entry = decisionEntryId(result.decision);
  return `${form}
<section class="result">
<dl>
<dt>Keputusan / Decision</dt><dd id="decision">${esc(result.decision.type)}</dd>
<dt>Entri / Entry</dt><dd>${entry ? esc(entry) : '—'}</dd>
<dt>Keyakinan / Confidence</dt><dd>${decisionScore(result.decision).toFixed(3)}</dd>
<dt>Bahasa / Language</dt><dd>${esc(e.language)}</dd>
<dt>Entitas / Entities</dt><dd>${entities || '—'}</dd>
<dt>Kata yang cocok / Matched words</dt><dd>${e.matchedTerms.map((t) => esc(t)).join(', ') || '—'}</dd>
</dl>
<h2>Kandidat / Candidates</h2>
<table><thead><tr><th>Entri / Entry</th><th>Skor / Score</th></tr></thead><tbody>${candidates || '<tr><td colspan="2">—</td></tr>'}</tbody></table>
<h2>Balasan / Reply</h2>
<pre class="reply">${esc(result.replies.map((r) => renderAsText([r])).join('\n'))}</pre>
</section>`;
}
