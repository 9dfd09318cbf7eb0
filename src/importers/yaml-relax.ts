/**
 * PyYAML, which Rasa uses, accepts a quoted text whose next lines are indented no deeper than its
 * key ("- text: "… \n    more"…"), which the YAML spec and the `yaml` library refuse. Real Rasa
 * projects have such files; this re-indents those continuation lines under their key so the file
 * reads as Rasa reads it. Hand-written (one linear pass) because no YAML library offers PyYAML's
 * leniency; used only after a strict parse has failed.
 */

/** The text with under-indented continuation lines of quoted values moved under their key, and which lines (1-based) moved. */
export function relaxQuotedIndentation(text: string): { readonly text: string; readonly moved: readonly number[] } {
  const lines = text.split('\n');
  const moved: number[] = [];
  let open: { readonly quote: '"' | "'"; readonly keyColumn: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let from: number;
    if (open) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent <= open.keyColumn) {
        lines[i] = ' '.repeat(open.keyColumn + 2) + line.trimStart();
        moved.push(i + 1);
      }
      from = lines[i].length - lines[i].trimStart().length;
      const end = closingQuote(lines[i], from, open.quote);
      if (end < 0) continue;
      open = undefined;
      continue;
    }
    const start = quotedValueStart(line);
    if (!start) continue;
    from = start.at + 1;
    if (closingQuote(line, from, start.quote) < 0) open = { quote: start.quote, keyColumn: start.keyColumn };
  }
  return { text: lines.join('\n'), moved };
}

/** Where a quoted value starts on a block line ("key: "…", "- "…", "- key: '…"), with the column of its key or dash. */
function quotedValueStart(line: string): { readonly at: number; readonly quote: '"' | "'"; readonly keyColumn: number } | undefined {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  // Sequence dashes before the key: "- ", "- - ".
  while (line[i] === '-' && line[i + 1] === ' ') {
    i += 2;
    while (line[i] === ' ') i++;
  }
  const keyColumn = i;
  if (line[i] === '"' || line[i] === "'") return { at: i, quote: line[i] as '"' | "'", keyColumn: Math.max(0, keyColumn - 2) };
  // A plain key up to ": ", then the quote.
  const colon = line.indexOf(': ', i);
  if (colon < 0 || line[i] === '#') return undefined;
  let j = colon + 2;
  while (line[j] === ' ') j++;
  if (line[j] !== '"' && line[j] !== "'") return undefined;
  return { at: j, quote: line[j] as '"' | "'", keyColumn };
}

/** Index of the quote that closes a quoted text at or after `from`, or -1 when the line ends inside it. */
function closingQuote(line: string, from: number, quote: '"' | "'"): number {
  for (let k = from; k < line.length; k++) {
    if (quote === '"' && line[k] === '\\') {
      k++;
      continue;
    }
    if (line[k] !== quote) continue;
    if (quote === "'" && line[k + 1] === "'") {
      k++;
      continue;
    }
    return k;
  }
  return -1;
}
