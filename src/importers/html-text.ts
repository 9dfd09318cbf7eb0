/**
 * Answers exported with HTML markup (QnA Maker, FAQ sheets copied from a web page): Tanya sends
 * plain text to every channel, so tags would reach customers as "<br>" and "<strong>". Hand-written
 * for the handful of tags such answers hold; a full HTML parser would be far more than this needs.
 */

/** Tags that mark an answer as HTML (not a lone "<" or "a < b"). */
const HTML_TAG = /<\/?(?:br|p|div|span|strong|b|i|em|u|a|ul|ol|li|h[1-6]|table|tr|td|th)\b[^>]*>/i;

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  bull: '•',
  middot: '·',
};

/** True when a text holds HTML tags. */
export function hasHtml(text: string): boolean {
  return HTML_TAG.test(text);
}

/** Plain text of an HTML answer: line breaks for br/p/div/li, "text (link)" for links, no other tags. */
export function htmlToText(html: string): string {
  return html
    .replace(/<a\b[^>]*\bhref\s*=\s*(["'])(.*?)\1[^>]*>(.*?)<\/a>/gis, (_m, _q: string, href: string, label: string) => {
      const text = label.replace(/<[^>]*>/g, '').trim();
      return text && text !== href ? `${text} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li>/gi, '')
    .replace(/<\/(?:p|div|h[1-6]|tr|ul|ol|table)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, name: string) => {
      const known = ENTITIES[name.toLowerCase()];
      if (known !== undefined) return known;
      const code = name.startsWith('#x') || name.startsWith('#X') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? Number(name.slice(1)) : NaN;
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
