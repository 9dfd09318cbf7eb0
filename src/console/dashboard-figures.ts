import { statsReport, unansweredReport, type StatsReport, type UnansweredCluster } from '../eval/reports';
import type { KnowledgeBase } from '../knowledge/schema';
import { Matcher } from '../matching/matcher';
import type { ConversationStore } from '../storage/store';

export interface DashboardFigures {
  readonly since: string;
  /** Conversations with a customer message per day (shop's calendar) and channel. */
  readonly perDay: readonly { readonly day: string; readonly channels: Readonly<Record<string, number>> }[];
  readonly stats: StatsReport;
  /** Minutes from handoff to an agent taking the ticket (the customer is told at once), per ticket claimed since. */
  readonly firstResponse: {
    readonly tickets: number;
    readonly medianMinutes: number | null;
    readonly withinTarget: number;
    readonly targetMinutes: number;
  };
  /** Ratings 1..5 and how many gave each. */
  readonly csat: readonly { readonly rating: number; readonly count: number }[];
  readonly unanswered: readonly UnansweredCluster[];
}

/** The day of an ISO time in the shop's time zone, YYYY-MM-DD. */
export function shopDay(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

const matchers = new WeakMap<KnowledgeBase, Matcher>();

/**
 * Everything the admin dashboard draws, read from the store since `since` (ISO time). Agents'
 * first responses are measured against the reply time the shop promises its customers
 * (`settings.handoff.replyMinutes`) unless `targetMinutes` says otherwise.
 */
export async function dashboardFigures(
  store: ConversationStore,
  kb: KnowledgeBase,
  since: string,
  targetMinutes = kb.settings.handoff.replyMinutes,
): Promise<DashboardFigures> {
  const zone = kb.settings.timezone;
  const days = new Map<string, Map<string, Set<string>>>();
  for (const line of await store.messagesSince(since)) {
    if (line.direction !== 'in') continue;
    const day = shopDay(line.at, zone);
    const channels = days.get(day) ?? new Map<string, Set<string>>();
    const ids = channels.get(line.channel) ?? new Set<string>();
    ids.add(line.conversationId);
    channels.set(line.channel, ids);
    days.set(day, channels);
  }
  const perDay = [...days.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, channels]) => ({ day, channels: Object.fromEntries([...channels.entries()].map(([c, ids]) => [c, ids.size])) }));
  const tickets = (await store.listTickets()).filter((t) => t.createdAt >= since);
  const waits = tickets
    .filter((t) => t.claimedAt !== undefined)
    .map((t) => (Date.parse(t.claimedAt ?? t.createdAt) - Date.parse(t.createdAt)) / 60_000)
    .sort((a, b) => a - b);
  const ratings = [1, 2, 3, 4, 5].map((rating) => ({ rating, count: tickets.filter((t) => t.csat === rating).length }));
  let matcher = matchers.get(kb);
  if (!matcher) {
    matcher = new Matcher(kb);
    matchers.set(kb, matcher);
  }
  return {
    since,
    perDay,
    stats: await statsReport(store, since),
    firstResponse: {
      tickets: waits.length,
      medianMinutes: waits.length === 0 ? null : waits[Math.floor((waits.length - 1) / 2)],
      withinTarget: waits.filter((m) => m <= targetMinutes).length,
      targetMinutes,
    },
    csat: ratings,
    unanswered: (await unansweredReport(store, matcher, since)).slice(0, 10),
  };
}
