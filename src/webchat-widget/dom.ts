/// <reference lib="dom" />
import { linkify } from './linkify';

/**
 * Creates an element with attributes and children. Text is only ever set as text nodes: no
 * string from a customer, an agent or the knowledge base is parsed as HTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

/** A message's text with its http(s) addresses as links that open in a new tab (without access to this page). */
export function richText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const piece of linkify(text)) {
    if (piece.kind === 'text') {
      fragment.append(document.createTextNode(piece.text));
      continue;
    }
    const link = el('a', { href: piece.href, target: '_blank', rel: 'noopener noreferrer nofollow' });
    link.textContent = piece.text;
    fragment.append(link);
  }
  return fragment;
}

/** Icons as SVG paths (24×24): no emoji font or image file needed. */
export const ICONS = {
  chat: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z',
  pin: 'M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z',
  send: 'M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z',
} as const;

/** An icon (an SVG built node by node), hidden from screen readers: its button carries the label. */
export function icon(name: keyof typeof ICONS): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}
