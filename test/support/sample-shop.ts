import { loadKnowledge } from '../../src/knowledge/loader';
import type { KnowledgeBase } from '../../src/knowledge/schema';

/**
 * The sample shop (knowledge/) without its privacy notice, for tests about other things whose
 * first reply is the answer. test/privacy/notice.test.ts covers the notice on every channel.
 */
export function sampleShop(): KnowledgeBase {
  const kb = loadKnowledge('knowledge');
  const { notice: _notice, ...privacy } = kb.settings.privacy;
  return { ...kb, settings: { ...kb.settings, privacy } };
}
