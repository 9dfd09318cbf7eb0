import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildCli } from '../../src/cli/main';
import { answerFromCatalog, nearestStoresText } from '../../src/engine/catalog-answers';
import { Engine } from '../../src/engine/engine';
import { handoffExpectation } from '../../src/engine/handoff-events';
import type { InboundMessage, Language, TurnResult } from '../../src/core/types';
import { isOpen, timeZoneLabel } from '../../src/knowledge/catalog';
import { formatProblem } from '../../src/knowledge/errors';
import { checkKnowledge, loadKnowledge } from '../../src/knowledge/loader';
import type { KnowledgeBase, Store } from '../../src/knowledge/schema';
import { SqliteStore } from '../../src/storage/sqlite-store';

/** Two eastern branches added to a copy of the sample shop (whose own branches are WIB). */
const EASTERN_STORES = `stores:
  - id: dps
    name: Nusa Gadget Bali
    city: Denpasar
    aliases: [bali, cabang bali]
    address: Jl. Teuku Umar No. 8, Denpasar 80114
    phone: "0361-123-456"
    hours: { mon: "10:00-22:00", tue: "10:00-22:00", wed: "10:00-22:00", thu: "10:00-22:00", fri: "10:00-22:00", sat: "10:00-22:00", sun: "10:00-22:00" }
    map: https://maps.google.com/?q=-8.6705,115.2126
    coordinates: { lat: -8.6705, lon: 115.2126 }
    timezone: Asia/Makassar
  - id: djj
    name: Nusa Gadget Jayapura
    city: Jayapura
    aliases: [papua, cabang jayapura]
    address: Jl. Ahmad Yani No. 5, Jayapura 99111
    phone: "0967-123-456"
    hours: { mon: "09:00-21:00", tue: "09:00-21:00", wed: "09:00-21:00", thu: "09:00-21:00", fri: "09:00-21:00", sat: "09:00-21:00", sun: closed }
    map: https://maps.google.com/?q=-2.5337,140.7181
    coordinates: { lat: -2.5337, lon: 140.7181 }
    timezone: Asia/Jayapura
`;

/** Read after the sample's stores.yaml, so the eastern branches come last. */
const EAST_FILE = 'zz-stores-east.yaml';

/** A copy of the sample knowledge base in a temporary folder, plus `extra` files. */
function sampleCopy(extra: Readonly<Record<string, string>>, edit: (name: string, text: string) => string = (_n, t) => t): string {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-tz-'));
  for (const name of readdirSync('knowledge').filter((f) => f.endsWith('.yaml'))) copyFileSync(join('knowledge', name), join(dir, name));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), edit(name, text));
  return dir;
}

const kb = loadKnowledge(sampleCopy({ [EAST_FILE]: EASTERN_STORES }));
const store = (id: string): Store => {
  const found = kb.stores.find((s) => s.id === id);
  if (!found) throw new Error(`no store ${id}`);
  return found;
};
const hours = (k: KnowledgeBase, storeId: string | undefined, lang: Language, at: string): string => {
  const s = storeId === undefined ? undefined : k.stores.find((x) => x.id === storeId);
  const reply = answerFromCatalog('store-hours', { variants: [], ...(s ? { store: s } : {}) }, k, lang, new Date(at));
  return reply.kind === 'text' ? reply.text : 'missing';
};

// Monday 20:30 WIB = 21:30 WITA = 22:30 WIT.
const MONDAY_EVENING = '2026-11-23T13:30:00Z';
// Monday 07:30 WIB = 08:30 WITA = 09:30 WIT.
const MONDAY_MORNING = '2026-11-23T00:30:00Z';

describe('stores in their own time zones', () => {
  it('loads a store time zone, defaulting to settings.timezone', () => {
    expect(store('dps').timezone).toBe('Asia/Makassar');
    expect(store('djj').timezone).toBe('Asia/Jayapura');
    expect(store('jkt').timezone).toBeUndefined();
    expect(kb.settings.timezone).toBe('Asia/Jakarta');
  });

  it('computes "open now" in each store\'s zone: evening in Jakarta is night in Jayapura', () => {
    const at = new Date(MONDAY_EVENING);
    expect(isOpen(store('jkt'), at, kb.settings.timezone)).toBe(true);
    expect(isOpen(store('dps'), at, kb.settings.timezone)).toBe(true);
    expect(isOpen(store('djj'), at, kb.settings.timezone)).toBe(false);
    expect(hours(kb, 'jkt', 'id', MONDAY_EVENING)).toBe(
      'Jam buka Nusa Gadget Jakarta: Senin–Sabtu 09.00–21.00 WIB, Minggu 10.00–18.00 WIB. Sekarang sedang buka.',
    );
    expect(hours(kb, 'djj', 'id', MONDAY_EVENING)).toBe('Jam buka Nusa Gadget Jayapura: Senin–Sabtu 09.00–21.00 WIT, Minggu tutup. Sekarang sedang tutup.');
    expect(hours(kb, 'dps', 'en', MONDAY_EVENING)).toBe('Nusa Gadget Bali opening hours: Monday–Sunday 10:00–22:00 WITA. Open now.');
  });

  it('and the reverse in the morning: Jakarta still closed, Jayapura already open', () => {
    expect(hours(kb, 'jkt', 'en', MONDAY_MORNING)).toMatch(/Closed now\.$/);
    expect(hours(kb, 'dps', 'en', MONDAY_MORNING)).toMatch(/WITA\. Closed now\.$/);
    expect(hours(kb, 'djj', 'en', MONDAY_MORNING)).toBe('Nusa Gadget Jayapura opening hours: Monday–Saturday 09:00–21:00 WIT, Sunday closed. Open now.');
  });

  it("uses the store's own weekday across midnight (Sunday night in Jakarta is Monday in Jayapura)", () => {
    // Sunday 23:30 WIB = Monday 01:30 WIT: Jayapura's Monday hours apply, not its closed Sunday.
    const lines = hours(kb, undefined, 'id', '2026-11-29T16:30:00Z').split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('Jam buka Nusa Gadget Jayapura: Senin–Sabtu 09.00–21.00 WIT, Minggu tutup. Sekarang sedang tutup.');
    expect(isOpen(store('djj'), new Date('2026-11-30T00:30:00Z'), 'Asia/Jakarta')).toBe(true); // Monday 09:30 WIT
  });

  it("answers a customer by branch name, labelled in the branch's zone", async () => {
    const db = new SqliteStore(':memory:');
    const engine = new Engine(kb, db, { now: () => new Date(MONDAY_EVENING) });
    const say = (text: string, n: number): InboundMessage => ({
      channel: 'test',
      conversationId: `tz-${n}`,
      userId: `tz-user-${n}`,
      messageId: `tz-m${n}`,
      text,
      receivedAt: new Date(MONDAY_EVENING),
    });
    const replyText = (r: TurnResult): string => r.replies.map((x) => x.text).join('\n');
    const papua = await engine.handle(say('jam buka cabang jayapura kak?', 1));
    expect(papua.decision).toMatchObject({ type: 'answer', entryId: 'store-hours' });
    expect(replyText(papua)).toContain('09.00–21.00 WIT');
    expect(replyText(papua)).toContain('Sekarang sedang tutup.');
    const bali = await engine.handle(say('what time does the bali store open?', 2));
    expect(replyText(bali)).toContain('10:00–22:00 WITA');
    expect(replyText(bali)).toContain('Open now.');
    await db.close();
  });

  it("labels the nearest-branch hours with each branch's zone", () => {
    const text = nearestStoresText({ lat: -8.65, lon: 115.22 }, kb, 'id', 1, new Date(MONDAY_EVENING));
    expect(text).toContain('Nusa Gadget Bali');
    expect(text).toContain('Senin–Minggu 10.00–22.00 WITA');
  });

  it('names zones the way customers do, and other zones by their short name', () => {
    const at = new Date('2026-07-01T00:00:00Z');
    expect(timeZoneLabel('Asia/Jakarta', at)).toBe('WIB');
    expect(timeZoneLabel('Asia/Pontianak', at)).toBe('WIB');
    expect(timeZoneLabel('Asia/Makassar', at)).toBe('WITA');
    expect(timeZoneLabel('Asia/Ujung_Pandang', at)).toBe('WITA'); // an alias of Asia/Makassar
    expect(timeZoneLabel('Asia/Jayapura', at)).toBe('WIT');
    expect(timeZoneLabel('Asia/Singapore', at)).toBe('GMT+8');
    expect(timeZoneLabel('America/New_York', at)).toBe('EDT');
    expect(timeZoneLabel('America/New_York', new Date('2026-12-01T00:00:00Z'))).toBe('EST');
  });

  it("prints a foreign branch's hours with its zone's short name", () => {
    const sg: Store = { ...store('jkt'), id: 'sin', name: 'Nusa Gadget Singapore', timezone: 'Asia/Singapore' };
    const withSg: KnowledgeBase = { ...kb, stores: [sg] };
    // 20:30 in Jakarta is 21:30 in Singapore: closed there.
    expect(hours(withSg, 'sin', 'en', MONDAY_EVENING)).toBe(
      'Nusa Gadget Singapore opening hours: Monday–Saturday 09:00–21:00 GMT+8, Sunday 10:00–18:00 GMT+8. Closed now.',
    );
  });
});

describe('a shop whose settings.timezone is not WIB', () => {
  const makassar = loadKnowledge('knowledge');
  const shop: KnowledgeBase = { ...makassar, settings: { ...makassar.settings, timezone: 'Asia/Makassar' } };

  it("labels stores without their own zone with the shop's zone", () => {
    // Monday 20:30 WIB = 21:30 WITA: Jakarta's 09:00–21:00, read as WITA, is closed.
    expect(hours(shop, 'jkt', 'id', MONDAY_EVENING)).toBe(
      'Jam buka Nusa Gadget Jakarta: Senin–Sabtu 09.00–21.00 WITA, Minggu 10.00–18.00 WITA. Sekarang sedang tutup.',
    );
  });

  it("tells when the agents are back in the shop's zone, labelled WITA", () => {
    // Monday 21:30 WITA: the sample CS team (08:00–21:00) is back tomorrow at 08:00 WITA.
    expect(handoffExpectation(shop, 'T-1', 1, new Date(MONDAY_EVENING), 'id')).toContain('besok pukul 08.00 WITA');
    expect(handoffExpectation(shop, 'T-1', 1, new Date(MONDAY_EVENING), 'en')).toContain('tomorrow at 08:00 WITA');
  });
});

describe('the sample shop (all branches WIB) answers as before', () => {
  const sample = loadKnowledge('knowledge');

  it('keeps its hours answers and handoff times word for word', () => {
    expect(sample.stores.every((s) => s.timezone === undefined)).toBe(true);
    expect(hours(sample, undefined, 'id', '2026-11-23T03:00:00Z').split('\n')).toEqual([
      'Jam buka Nusa Gadget Jakarta: Senin–Sabtu 09.00–21.00 WIB, Minggu 10.00–18.00 WIB. Sekarang sedang buka.',
      'Jam buka Nusa Gadget Bandung: Senin–Jumat 10.00–20.00 WIB, Sabtu–Minggu 10.00–21.00 WIB. Sekarang sedang buka.',
      'Jam buka Nusa Gadget Surabaya: Senin–Sabtu 09.00–21.00 WIB, Minggu tutup. Sekarang sedang buka.',
    ]);
    expect(hours(sample, 'sby', 'en', '2026-11-29T12:30:00Z')).toBe(
      'Nusa Gadget Surabaya opening hours: Monday–Saturday 09:00–21:00 WIB, Sunday closed. Closed now.',
    );
    expect(handoffExpectation(sample, 'T-1', 2, new Date('2026-11-23T15:00:00Z'), 'id')).toBe(
      'Nomor tiket T-1. Saat ini di luar jam kerja CS; CS kami kembali besok pukul 08.00 WIB dan akan membalas di chat ini. Sementara itu Kakak tetap bisa bertanya ke bot soal harga, stok, atau jam buka.',
    );
    expect(handoffExpectation(sample, 'T-1', 2, new Date('2026-11-28T23:30:00Z'), 'en')).toContain('back today at 09:00 WIB');
  });
});

describe('checking store time zones', () => {
  const withZone = (zone: string): string => sampleCopy({ [EAST_FILE]: EASTERN_STORES }, (_n, t) => t.replace('timezone: Asia/Jayapura', `timezone: ${zone}`));

  it('refuses an unknown zone at file:line:col, listing the Indonesian zones', () => {
    const dir = withZone('Asia/Papua');
    expect(checkKnowledge([dir]).problems.map(formatProblem)).toEqual([
      `${relative(process.cwd(), join(dir, EAST_FILE))}:21:15: stores[1].timezone: "Asia/Papua" is not a time-zone name; write an IANA name: Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT) for Indonesia; any other IANA zone works too, e.g. Asia/Singapore`,
    ]);
  });

  it('says which IANA name a label such as "WIT" stands for', () => {
    const dir = withZone('WIT');
    expect(checkKnowledge([dir]).problems.map((p) => p.message)).toEqual([
      'stores[1].timezone: "WIT" is how customers say it, not a time-zone name; write Asia/Jayapura (tanya prints WIT for it)',
    ]);
  });

  it('checks settings.timezone the same way', () => {
    const dir = sampleCopy({ 'zz-settings.yaml': 'settings:\n  timezone: Jakarta\n' });
    expect(checkKnowledge([dir]).problems.map(formatProblem)).toEqual([
      `${relative(process.cwd(), join(dir, 'zz-settings.yaml'))}:2:13: settings.timezone: "Jakarta" is not a time-zone name; write an IANA name: Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT) for Indonesia; any other IANA zone works too, e.g. Asia/Singapore`,
    ]);
  });

  it('`tanya check` prints the error with file:line and exits 1', async () => {
    const dir = withZone('Asia/Papua');
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const before = process.exitCode;
    try {
      await buildCli().parseAsync(['node', 'tanya', 'check', dir, '--flows', 'flows']);
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
    expect(written.join('')).toContain(`${relative(process.cwd(), join(dir, EAST_FILE))}:21:15: stores[1].timezone: "Asia/Papua" is not a time-zone name`);
  });
});
