import { readFileSync } from 'node:fs';

/**
 * English words (an-array-of-english-words: about 275,000 lower-case words, sorted), so a real
 * English word ("three", "persen"'s neighbour "person", "contract") is never read as a typo of a
 * knowledge-base word. The list is kept as its file's one string and searched by halves: as a Set
 * of strings it would take some 50 MB of every process.
 */
let text: string | undefined;
/** Offsets of each word's first letter in `text`, in list order (the word ends at the next quote). */
let starts: Int32Array | undefined;

function load(): { text: string; starts: Int32Array } {
  if (text === undefined || starts === undefined) {
    const raw = readFileSync(require.resolve('an-array-of-english-words'), 'utf8');
    const offsets: number[] = [];
    // The file is a JSON array of plain words: every second quote opens one.
    for (let i = raw.indexOf('"'), open = true; i >= 0; i = raw.indexOf('"', i + 1), open = !open) if (open) offsets.push(i + 1);
    text = raw;
    starts = Int32Array.from(offsets);
  }
  return { text, starts };
}

/** True for a word of the English word list (lower-case letters a–z only). */
export function isEnglishWord(word: string): boolean {
  if (!/^[a-z]+$/.test(word)) return false;
  const list = load();
  let lo = 0;
  let hi = list.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = list.starts[mid];
    const candidate = list.text.slice(start, list.text.indexOf('"', start));
    if (candidate === word) return true;
    if (candidate < word) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
