import type { PrivacyCounts } from '../storage/store';

/** What each count is, for people: Indonesian first. */
const LABELS: Readonly<Record<keyof PrivacyCounts, string>> = {
  conversations: 'percakapan (status) / conversations',
  messages: 'pesan (transkrip) / messages',
  tickets: 'tiket / tickets',
  ticketsAnonymized: 'tiket dianonimkan / tickets anonymized',
  flowRecords: 'catatan alur (keluhan, masukan) / flow records',
  channelRefs: 'referensi kanal / channel refs',
  handoffRefs: 'tautan tiket di grup agen / handoff refs',
  inbox: 'antrean pesan masuk / inbox rows',
  outbox: 'antrean pesan keluar / outbox rows',
  deliveries: 'id pengiriman platform / delivery ids',
};

/** Sums two sets of counts (batches of one purge). */
export function addCounts(a: PrivacyCounts, b: PrivacyCounts): PrivacyCounts {
  const out = { ...a };
  for (const key of Object.keys(LABELS) as (keyof PrivacyCounts)[]) out[key] = a[key] + b[key];
  return out;
}

/** All rows removed, of every kind (0: nothing matched or nothing was old enough). */
export function totalOf(counts: PrivacyCounts): number {
  return (Object.keys(LABELS) as (keyof PrivacyCounts)[]).reduce((n, key) => n + counts[key], 0);
}

/** The counts that are not zero, for the audit log and logs. */
export function nonZero(counts: PrivacyCounts): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** One indented line per non-zero count ("  pesan (transkrip) / messages: 12"). */
export function formatCounts(counts: PrivacyCounts): string {
  return (Object.keys(LABELS) as (keyof PrivacyCounts)[])
    .filter((key) => counts[key] > 0)
    .map((key) => `  ${LABELS[key]}: ${counts[key]}`)
    .join('\n');
}
