import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowsJsonSchema } from '../../src/knowledge/json-schema';
import { formatProblem } from '../../src/knowledge/errors';
import { checkFlows, loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import { parseChoice, parseDate, parseEmail, parseNumber, parsePhone } from '../../src/flows/slot-types';
import type { Step } from '../../src/flows/schema';

const kb = loadKnowledge('knowledge');
const broken = (name: string): string => join('test', 'fixtures', 'flows-broken', name);
const messages = (name: string): string[] => checkFlows(broken(name), kb).problems.map(formatProblem);

describe('flow validation (tanya check)', () => {
  it('schema/flows.schema.json is generated from the loader definitions (run `node bin/tanya.js schema --flows > schema/flows.schema.json`)', () => {
    const committed: unknown = JSON.parse(readFileSync(join('schema', 'flows.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(flowsJsonSchema())));
  });

  it('loads the sample flows', () => {
    expect(
      loadFlows('flows', kb)
        .map((f) => f.id)
        .sort(),
    ).toEqual(['complaint', 'feedback', 'order-status', 'store-locator']);
  });

  it.each([
    [
      'unknown-step.yaml',
      [
        'test/fixtures/flows-broken/unknown-step.yaml:8:15: no step "lookup" in flow "order"; use one of: ask-order',
        'test/fixtures/flows-broken/unknown-step.yaml:9:9: step #2 of flow "order" can never be reached; remove it, or point a "next", "then" or "else" at it',
      ],
    ],
    [
      'unreachable.yaml',
      [
        'test/fixtures/flows-broken/unreachable.yaml:6:9: step "orphan" of flow "feedback" can never be reached; remove it, or point a "next", "then" or "else" at it',
      ],
    ],
    [
      'slot-before-ask.yaml',
      [
        'test/fixtures/flows-broken/slot-before-ask.yaml:4:9: slot "name" is used in flow "complaint" before it is asked or set on every way to this step; ask it earlier or check the name',
      ],
    ],
    [
      'unknown-type.yaml',
      [
        'test/fixtures/flows-broken/unknown-type.yaml:7:15: flows[0].steps[0].type has an unknown value; use one of "text", "number", "choice", "phone", "email", "date", "pattern"',
      ],
    ],
    [
      'ask-without-slot.yaml',
      ['test/fixtures/flows-broken/ask-without-slot.yaml:4:9: flows[0].steps[0].slot: an "ask" step needs "slot:" (where the answer is kept)'],
    ],
    [
      'duplicate-step.yaml',
      ['test/fixtures/flows-broken/duplicate-step.yaml:8:13: step id "ask" is used twice in flow "complaint"; give each step its own id'],
    ],
    ['bad-pattern.yaml', ['test/fixtures/flows-broken/bad-pattern.yaml:8:18: flows[0].steps[0].pattern: this pattern is not a valid regular expression']],
    [
      'unknown-entry.yaml',
      [
        'test/fixtures/flows-broken/unknown-entry.yaml:4:17: warning: trigger names entry "cek-resi-pesanan", which the knowledge base does not have: the flow will not start from it (check the id, or point --flows at the flows written for this knowledge base)',
      ],
    ],
    [
      'misspelled-field.yaml',
      [
        'test/fixtures/flows-broken/misspelled-field.yaml:7:9: unknown field "typ" in flows[0].steps[0]; did you mean "type"?',
        'test/fixtures/flows-broken/misspelled-field.yaml:4:9: flows[0].steps[0].type: an "ask" step needs "type:" (one of text, number, choice, phone, email, date, pattern)',
      ],
    ],
    [
      'syntax-error.yaml',
      [
        'test/fixtures/flows-broken/syntax-error.yaml:5:7: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }; check the indentation and quotes on this line',
      ],
    ],
  ])('%s → exact messages', (file, expected) => {
    expect(messages(file)).toEqual(expected);
  });
});

describe('slot types', () => {
  it('reads Indonesian phone numbers in the usual forms', () => {
    expect(parsePhone('0812-3456-7890')).toEqual({ ok: true, value: '+6281234567890' });
    expect(parsePhone('+62 812 3456 7890')).toEqual({ ok: true, value: '+6281234567890' });
    expect(parsePhone('6281234567890')).toEqual({ ok: true, value: '+6281234567890' });
    expect(parsePhone('0812 345').ok).toBe(false);
    expect(parsePhone('halo').ok).toBe(false);
  });

  it('reads dates: besok, 12/12, 12 Desember', () => {
    const now = new Date('2026-11-25T10:00:00+07:00');
    expect(parseDate('besok', now, 'Asia/Jakarta')).toEqual({ ok: true, value: '2026-11-26' });
    expect(parseDate('12/12', now, 'Asia/Jakarta')).toEqual({ ok: true, value: '2026-12-12' });
    expect(parseDate('12 Desember', now, 'Asia/Jakarta')).toEqual({ ok: true, value: '2026-12-12' });
    expect(parseDate('tgl 3 jan 2027', now, 'Asia/Jakarta')).toEqual({ ok: true, value: '2027-01-03' });
    expect(parseDate('31/02', now, 'Asia/Jakarta').ok).toBe(false);
  });

  it('reads a choice by number, label or a label as whole words, never a label inside another word', () => {
    const step = {
      id: 'confirm',
      type: 'choice',
      slot: 'answer',
      options: [
        { value: 'yes', label: { id: 'Ya', en: 'Yes' } },
        { value: 'no', label: { id: 'Tidak', en: 'No' } },
      ],
    } as unknown as Step;
    expect(parseChoice('2', step)).toEqual({ ok: true, value: 'no' });
    expect(parseChoice('ya', step)).toEqual({ ok: true, value: 'yes' });
    expect(parseChoice('ya boleh kak', step)).toEqual({ ok: true, value: 'yes' });
    expect(parseChoice('tidak usah', step)).toEqual({ ok: true, value: 'no' });
    expect(parseChoice('maksudnya gimana', step).ok).toBe(false);
    expect(parseChoice('saya bingung', step).ok).toBe(false);
    // Yes/no words as customers type them (lexicon yesNo), when the answer says only one of the two.
    expect(parseChoice('iya kak', step)).toEqual({ ok: true, value: 'yes' });
    expect(parseChoice('gas', step)).toEqual({ ok: true, value: 'yes' });
    expect(parseChoice('gausah deh', step)).toEqual({ ok: true, value: 'no' });
    expect(parseChoice('iya eh gak jadi', step).ok).toBe(false);
  });

  it('reads numbers and e-mail addresses', () => {
    expect(parseNumber('dua')).toEqual({ ok: true, value: '2' });
    expect(parseNumber('1.500.000')).toEqual({ ok: true, value: '1500000' });
    expect(parseNumber('banyak').ok).toBe(false);
    expect(parseEmail('Sari.Dewi@Gmail.com')).toEqual({ ok: true, value: 'sari.dewi@gmail.com' });
    expect(parseEmail('sari at gmail').ok).toBe(false);
  });
});

describe('flow records', () => {
  it('keeps the answers of a complaint under its number', async () => {
    const { Engine } = await import('../../src/engine/engine');
    const { SqliteStore } = await import('../../src/storage/sqlite-store');
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store, { flows: loadFlows('flows', kb), now: () => new Date('2026-11-25T03:00:00Z') });
    let n = 0;
    const say = async (text: string): Promise<string> => {
      n += 1;
      const r = await engine.handle({ channel: 'test', conversationId: 'k', userId: 'u', userName: 'Budi', messageId: `m${n}`, text, receivedAt: new Date() });
      return r.replies.map((x) => x.text).join('\n');
    };
    for (const text of ['/keluhan', 'Budi', 'INV-12345', 'layar retak', 'email', 'budi@contoh.id']) await say(text);
    const [record] = await store.listRecords('complaint');
    expect(record).toMatchObject({
      flowId: 'complaint',
      conversationId: 'k',
      slots: { name: 'Budi', order_id: 'INV-12345', problem: 'layar retak', contact: 'email', email: 'budi@contoh.id' },
    });
    expect(record.id).toMatch(/^K\d{5}$/);
    await store.close();
  });
});
