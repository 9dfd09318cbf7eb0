/**
 * Answers nobody has written yet. Importers write "TODO: …" where the source had no answer (an
 * editor may too); earlier versions wrote `(Jawaban untuk "…" belum ditulis.)`. Such an answer is
 * never sent: the bot falls back instead, and `tanya check` lists it.
 */
const PLACEHOLDER = /^\s*[([]?\s*TODO\b|^\s*\(Jawaban untuk ".{0,200}" belum ditulis\.\)\s*$/i;

export function isPlaceholderAnswer(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/** The placeholder an importer writes for an entry called `name`. */
export function placeholderAnswer(name: string): { id: string; en: string } {
  return { id: `TODO: tulis jawaban untuk "${name}".`, en: `TODO: write the answer for "${name}".` };
}
