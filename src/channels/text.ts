import type { OutboundMessage } from '../core/types';

/**
 * Splits a reply into pieces a platform accepts (Telegram: 4,096 characters), preferring
 * paragraph, then line, then word boundaries, and never cutting a surrogate pair in half.
 */
export function splitMessage(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = -1;
    for (const separator of ['\n\n', '\n', ' ']) {
      const at = rest.lastIndexOf(separator, limit - separator.length);
      if (at > limit / 2) {
        cut = at + separator.length;
        break;
      }
    }
    if (cut < 0) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** The first `maxBytes` bytes of a string in UTF-8, cut at a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** Renders replies as plain text; choices become numbered lines (pick by number or text). */
export function renderAsText(replies: readonly OutboundMessage[]): string {
  return replies.map((r) => (r.kind === 'choice' ? [r.text, ...r.options.map((o, i) => `  ${i + 1}) ${o.label}`)].join('\n') : r.text)).join('\n');
}
