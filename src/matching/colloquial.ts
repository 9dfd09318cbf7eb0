/**
 * Informal Indonesian word forms that neither natural's stemmer nor a slang table can list one by
 * one: colloquial verb affixes (nasal "ng-/ny-/m-/n-" prefixes, "nge-", "ke-" passives, "-in",
 * "di-…-in", "-an") and words typed without a space ("brphrg", "ongkirke").
 *
 * Hand-written because no maintained library analyses Jakarta-style morphology; each rule only
 * proposes candidates, and a candidate is taken only when the caller knows it (the knowledge base's
 * words, the slang table, the concept lexicon), so real words the knowledge base lacks pass
 * through unchanged.
 */

/** Candidate roots of an informal word, most likely first. */
export function affixCandidates(word: string): string[] {
  const out: string[] = [];
  const push = (w: string): void => {
    if (w.length >= 3 && w !== word && !out.includes(w)) out.push(w);
  };
  const suffixes = (w: string): string[] => {
    const forms = [w];
    if (w.endsWith('in') && w.length > 4) forms.push(w.slice(0, -2), `${w.slice(0, -2)}kan`, `${w.slice(0, -2)}i`);
    if (w.endsWith('nya') && w.length > 5) forms.push(w.slice(0, -3));
    if (w.endsWith('an') && w.length > 5) forms.push(w.slice(0, -2));
    if (w.endsWith('ny') && w.length > 4) forms.push(w.slice(0, -2));
    // Sundanese possessive "-na" ("alamatna", "hargana").
    if (w.endsWith('na') && w.length > 5) forms.push(w.slice(0, -2));
    return forms;
  };
  const prefixes = (w: string): string[] => {
    const forms: string[] = [];
    if (w.startsWith('nge') && w.length > 5) forms.push(w.slice(3));
    if (w.startsWith('ng') && w.length > 4) {
      const rest = w.slice(2);
      forms.push(/^[aiueo]/.test(rest) ? `k${rest}` : rest);
      if (/^[aiueo]/.test(rest)) forms.push(rest, `g${rest}`);
    }
    if (w.startsWith('ny') && w.length > 4) forms.push(`s${w.slice(2)}`, `c${w.slice(2)}`);
    if (/^m[aiueo]/.test(w) && w.length > 4) forms.push(`p${w.slice(1)}`);
    if (/^n[aiueo]/.test(w) && w.length > 4) forms.push(`t${w.slice(1)}`);
    if (/^(di|ke|ter)/.test(w) && w.length > 5) forms.push(w.replace(/^(di|ke|ter)/, ''));
    return forms;
  };
  for (const s of suffixes(word)) {
    push(s);
    for (const p of prefixes(s)) {
      push(p);
      for (const s2 of suffixes(p)) push(s2);
    }
  }
  return out;
}

/**
 * Two known words typed without a space, or undefined. `known` says whether a part is a word the
 * caller can use; the split whose shorter part is longest wins (fewest accidental splits).
 */
export function splitGlued(word: string, known: (part: string) => boolean): [string, string] | undefined {
  if (word.length < 5 || /\d/.test(word)) return undefined;
  let best: [string, string] | undefined;
  let bestShort = 0;
  for (let i = 2; i <= word.length - 2; i++) {
    const left = word.slice(0, i);
    const right = word.slice(i);
    if (Math.max(left.length, right.length) < 3) continue;
    const short = Math.min(left.length, right.length);
    if (short > bestShort && known(left) && known(right)) {
      best = [left, right];
      bestShort = short;
    }
  }
  return best;
}
