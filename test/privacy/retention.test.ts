import Database from 'better-sqlite3';
import pino from 'pino';
import { statsReport } from '../../src/eval/reports';
import { purgeInBatches, retentionCutoff, retentionDays, RetentionSchedule } from '../../src/privacy/retention';
import { totalOf } from '../../src/privacy/counts';
import { defaultSettings } from '../../src/knowledge/schema';
import { until } from '../support/local-server';
import { age, BUDI, everyRow, fullStay, openShop, RINI, rowsMentioning, rowsOf, WATI, message } from './customers';

const DAY_MS = 24 * 3600_000;
const log = pino({ level: 'silent' });

/**
 * Retention: Wati's stay was 400 days ago, Budi's is recent, Rini's is as old as Wati's but her
 * ticket is still open. A purge at 365 days removes Wati's data, keeps her ticket's figures
 * without her, and leaves Budi and Rini alone.
 */
describe('retention purge', () => {
  const setUp = async (): Promise<{ shop: Awaited<ReturnType<typeof openShop>>; wati: string; budi: string; rini: string }> => {
    const shop = await openShop();
    const wati = await fullStay(shop, WATI, 'INV-WATI-1');
    const budi = await fullStay(shop, BUDI, 'INV-BUDI-2');
    const open = await shop.engine.handle(message(RINI, 'mau bicara sama admin, INV-RINI-3'));
    const rini = open.decision.type === 'handoff' ? open.decision.ticketId : '';
    expect((await shop.desk.claim(rini, 'Sari')).ok).toBe(true);
    // Platform delivery ids: one from last year, one from today.
    await shop.store.markDelivered('whatsapp', 'wamid.old', new Date(Date.now() - 400 * DAY_MS));
    await shop.store.markDelivered('whatsapp', 'wamid.new');
    age(shop.dbPath, WATI.conversationId, 400);
    age(shop.dbPath, RINI.conversationId, 400);
    return { shop, wati, budi, rini };
  };

  it('removes data past the period, keeps recent data, open tickets and the figures of old tickets', async () => {
    const { shop, wati, budi, rini } = await setUp();
    const budiBefore = rowsOf(shop.dbPath, BUDI, [budi]);
    const riniBefore = rowsOf(shop.dbPath, RINI, [rini]);
    const csatBefore = await statsReport(shop.store, '1970-01-01T00:00:00Z');
    expect(csatBefore.csatAnswers).toBe(2);

    const cutoff = retentionCutoff(365, new Date());
    const planned = (await shop.store.purgeOlderThan(cutoff, { dryRun: true })).counts;
    // Small batches: the purge takes several rounds and still removes everything.
    const run = await purgeInBatches(shop.store, cutoff, { batchSize: 2 });
    expect(run.complete).toBe(true);
    expect(run.counts).toEqual(planned);
    expect(run.counts).toMatchObject({
      conversations: 1,
      ticketsAnonymized: 1,
      flowRecords: 1,
      channelRefs: 1,
      handoffRefs: 1,
      inbox: 1,
      deliveries: 1,
      tickets: 0,
    });
    expect(run.counts.messages).toBeGreaterThan(8);
    expect(run.counts.outbox).toBeGreaterThan(2);

    // Nothing anywhere names Wati or holds what she wrote; her ticket is still counted.
    const rows = everyRow(shop.dbPath);
    expect(rowsMentioning(rows, [WATI.userId, 'Wati', 'INV-WATI-1'])).toEqual([]);
    const ticket = await shop.store.getTicket(wati);
    expect(ticket).toMatchObject({ status: 'resolved', agent: 'Rina', csat: 5, customerId: 'anonymized', reason: 'requested', transcript: [] });
    expect(ticket?.customerName).toBeUndefined();
    expect(ticket?.summary.lastQuestion).toBe('');
    expect(await statsReport(shop.store, '1970-01-01T00:00:00Z')).toMatchObject({ csatAnswers: 2, csatAverage: csatBefore.csatAverage });

    // Budi (recent) and Rini (old, but her ticket is open) are untouched.
    expect(rowsOf(shop.dbPath, BUDI, [budi])).toEqual(budiBefore);
    expect(rowsOf(shop.dbPath, RINI, [rini])).toEqual(riniBefore);
    expect((await shop.store.transcript(RINI.conversationId)).length).toBeGreaterThan(0);
    expect((await shop.store.openTicketFor(RINI.conversationId))?.customerName).toBe('Rini');
    expect(await shop.store.wasDelivered('whatsapp', 'wamid.new')).toBe(true);
    expect(await shop.store.wasDelivered('whatsapp', 'wamid.old')).toBe(false);

    // A second purge finds nothing more.
    expect(totalOf((await purgeInBatches(shop.store, cutoff)).counts)).toBe(0);
    await shop.close();
  });

  it('never purges recent platform delivery ids, whatever the period', async () => {
    const shop = await openShop();
    await shop.store.markDelivered('telegram', '1:2', new Date(Date.now() - 2 * DAY_MS));
    await purgeInBatches(shop.store, retentionCutoff(1, new Date()));
    expect(await shop.store.wasDelivered('telegram', '1:2')).toBe(true);
    await shop.close();
  });

  it('runs on a schedule: at start, recorded in the audit log, 0 days = keep, TANYA_RETENTION_DAYS overrides the settings', async () => {
    const { shop } = await setUp();
    const thirtyDays = () => ({ ...defaultSettings(), privacy: { ...defaultSettings().privacy, retentionDays: 30 } });
    const keep = new RetentionSchedule({ store: shop.store, settings: thirtyDays, env: { TANYA_RETENTION_DAYS: '0' }, log });
    await keep.run();
    expect((await shop.store.transcript(WATI.conversationId)).length).toBeGreaterThan(0);
    expect((await shop.store.auditLog()).some((e) => e.action === 'privacy.purge')).toBe(false);

    // start() purges by itself, without waiting for the first interval.
    const schedule = new RetentionSchedule({ store: shop.store, settings: defaultSettings, env: {}, log, intervalMs: 60_000 });
    schedule.start();
    await until(async () => (await shop.store.transcript(WATI.conversationId)).length === 0);
    await schedule.stop();
    expect((await shop.store.transcript(BUDI.conversationId)).length).toBeGreaterThan(0);
    const purge = (await shop.store.auditLog()).filter((e) => e.action === 'privacy.purge');
    expect(purge).toEqual([
      expect.objectContaining({ actor: 'tanya', via: 'schedule', detail: expect.objectContaining({ days: 365, conversations: 1, ticketsAnonymized: 1 }) }),
    ]);
    expect(JSON.stringify(purge)).not.toMatch(/Wati|6281234567890/);
    await shop.close();
  });

  it('stops between batches when the bot shuts down, and finishes at the next run', async () => {
    const { shop } = await setUp();
    const schedule = new RetentionSchedule({ store: shop.store, settings: defaultSettings, env: {}, log, batchSize: 1 });
    schedule.start();
    await schedule.stop();
    expect((await shop.store.transcript(WATI.conversationId)).length).toBeGreaterThan(0);
    expect((await shop.store.auditLog()).find((e) => e.action === 'privacy.purge')?.detail).toMatchObject({ complete: false });
    await new RetentionSchedule({ store: shop.store, settings: defaultSettings, env: {}, log, batchSize: 1 }).run();
    expect(await shop.store.transcript(WATI.conversationId)).toEqual([]);
    await shop.close();
  });

  it('refuses a malformed TANYA_RETENTION_DAYS at start, saying how to write it', async () => {
    expect(() => retentionDays(defaultSettings(), { TANYA_RETENTION_DAYS: '1 tahun' })).toThrow(
      'TANYA_RETENTION_DAYS must be a whole number of days such as 365 (0 = keep everything); got "1 tahun"',
    );
    const store = (await openShop()).store;
    expect(() => new RetentionSchedule({ store, settings: defaultSettings, env: { TANYA_RETENTION_DAYS: '-5' }, log })).toThrow(/TANYA_RETENTION_DAYS/);
    expect(retentionDays(defaultSettings(), { TANYA_RETENTION_DAYS: '90' })).toBe(90);
    expect(retentionDays(defaultSettings(), {})).toBe(365);
    await store.close();
  });

  it('creates the audit table and the anonymized_at column on a database from before this change', async () => {
    const shop = await openShop();
    const path = shop.dbPath;
    await shop.close();
    const raw = new Database(path);
    raw.exec('DROP TABLE audit; ALTER TABLE tickets DROP COLUMN anonymized_at;');
    raw.close();
    const reopened = await openShop(undefined, path);
    await reopened.store.audit({ actor: 'ops', action: 'privacy.purge' });
    expect(await reopened.store.auditLog()).toEqual([expect.objectContaining({ actor: 'ops', action: 'privacy.purge' })]);
    await reopened.close();
  });
});
