import type { KnowledgeBase } from '../knowledge/schema';

export interface CannedReply {
  readonly entryId: string;
  readonly title: string;
  readonly text: string;
}

/** Most canned replies offered at once. */
const LIMIT = 8;

/**
 * The knowledge base's fixed answers an agent may paste into a reply: entries whose id, title,
 * answer or example questions contain every word of `query` (case-insensitive); the Indonesian
 * answer, or the English one when only that matches.
 */
export function cannedReplies(kb: KnowledgeBase, query: string): CannedReply[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found: CannedReply[] = [];
  for (const entry of kb.entries) {
    if (!entry.answer) continue;
    const haystack = [entry.id, entry.title?.id, entry.title?.en, entry.answer.id, entry.answer.en, ...entry.questions.id, ...entry.questions.en]
      .filter((s): s is string => typeof s === 'string')
      .join('\n')
      .toLowerCase();
    if (!words.every((w) => haystack.includes(w))) continue;
    const english =
      entry.answer.en !== undefined &&
      words.length > 0 &&
      words.every((w) => entry.answer?.en?.toLowerCase().includes(w)) &&
      !words.every((w) => entry.answer?.id.toLowerCase().includes(w));
    found.push({ entryId: entry.id, title: entry.title?.id ?? entry.id, text: english ? (entry.answer.en ?? entry.answer.id) : entry.answer.id });
    if (found.length >= LIMIT) break;
  }
  return found;
}
