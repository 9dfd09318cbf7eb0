import { CONTENT_LANGUAGES } from '../core/types';
import { questionsOf, type KnowledgeBase } from '../knowledge/schema';

export interface CannedReply {
  readonly entryId: string;
  readonly title: string;
  readonly text: string;
}

/** Most canned replies offered at once. */
const LIMIT = 8;

/**
 * The knowledge base's fixed answers an agent may paste into a reply: entries whose id, title,
 * answer or example questions (in any language) contain every word of `query` (case-insensitive);
 * the Indonesian answer, or another language's when only that one has every word.
 */
export function cannedReplies(kb: KnowledgeBase, query: string): CannedReply[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found: CannedReply[] = [];
  for (const entry of kb.entries) {
    if (!entry.answer) continue;
    const answers = CONTENT_LANGUAGES.flatMap((lang) => {
      const text = entry.answer?.[lang];
      return text === undefined ? [] : [text];
    });
    const titles = CONTENT_LANGUAGES.map((lang) => entry.title?.[lang]);
    const haystack = [entry.id, ...titles, ...answers, ...questionsOf(entry)]
      .filter((s): s is string => typeof s === 'string')
      .join('\n')
      .toLowerCase();
    if (!words.every((w) => haystack.includes(w))) continue;
    // The Indonesian answer, unless only another language's (English, German …) has every word.
    const has = (text: string): boolean => words.length > 0 && words.every((w) => text.toLowerCase().includes(w));
    const text = has(entry.answer.id) ? entry.answer.id : (answers.find(has) ?? entry.answer.id);
    found.push({ entryId: entry.id, title: entry.title?.id ?? entry.id, text });
    if (found.length >= LIMIT) break;
  }
  return found;
}
