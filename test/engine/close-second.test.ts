import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine';
import { loadKnowledge } from '../../src/knowledge/loader';
import { SqliteStore } from '../../src/storage/sqlite-store';

/**
 * A close second that meets nothing of the message the best does not is no real alternative.
 * The clarify margin is set very wide here so every one of these messages is "close" by score
 * alone; what decides is whether the second has words of its own.
 */
const dir = mkdtempSync(join(tmpdir(), 'tanya-close-second-'));
writeFileSync(
  join(dir, 'faq.yaml'),
  `settings:
  clarifyMargin: 0.9
faq:
  - id: biometrik
    questions:
      id: [apa yang dimaksud dengan data biometrik, biometrik itu apa]
    answer: { id: "Data biometrik: sidik jari, iris mata dan foto wajah." }
  - id: dokumen
    questions:
      id: [apa yang dimaksud dengan dokumen kependudukan, dokumen kependudukan itu apa]
    answer: { id: "Dokumen kependudukan: KTP-el, KK dan akta." }
`,
);
const kb = loadKnowledge(dir);
let seq = 0;
const ask = async (text: string): Promise<string> => {
  const store = new SqliteStore(':memory:');
  try {
    const result = await new Engine(kb, store).handle({
      channel: 'test',
      conversationId: `c${++seq}`,
      userId: 'u',
      messageId: `m${seq}`,
      text,
      receivedAt: new Date('2026-12-06T03:00:00Z'),
    });
    const d = result.decision;
    return d.type === 'answer' ? `answer:${d.entryId}` : d.type;
  } finally {
    await store.close();
  }
};

describe('a close second with nothing of its own', () => {
  it('answers the best when the second meets only words the best meets too', async () => {
    expect(await ask('apa yang dimaksud dengan data biometrik')).toBe('answer:biometrik');
  });

  it('still offers both when each meets words of its own', async () => {
    expect(await ask('apa yang dimaksud dengan biometrik dan dokumen kependudukan')).toBe('clarify');
  });

  it('still offers both when the message has words the knowledge base never uses', async () => {
    expect(await ask('apa yang dimaksud dengan data biometrik yang direkam petugas')).toBe('clarify');
  });

  it('counts a word of the written answers as one the knowledge base uses ("iris" is only in an answer)', async () => {
    expect(await ask('apa yang dimaksud dengan data biometrik iris')).toBe('answer:biometrik');
  });
});
