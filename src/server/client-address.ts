import type { IncomingHttpHeaders } from 'node:http';
import { isIPv6 } from 'node:net';
import { headerValue } from './secrets';

/**
 * The client's address for rate limits: the peer's, or, behind a reverse proxy that says so
 * (`trustProxy`), the last address in X-Forwarded-For (the one the proxy saw; earlier ones are the
 * client's own claims). The header is believed only from a proxy on this machine or a private
 * network, so a client reaching the port directly cannot pick its own address. IPv6 addresses
 * count by their /64 network, which one customer's connection gets whole.
 */
export function clientAddress(headers: IncomingHttpHeaders, peer: string | undefined, trustProxy: boolean): string {
  if (trustProxy && peer !== undefined && isPrivatePeer(peer)) {
    const forwarded = headerValue(headers['x-forwarded-for'])
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const last = forwarded?.[forwarded.length - 1];
    if (last) return networkOf(last.slice(0, 64));
  }
  return peer === undefined ? 'unknown' : networkOf(peer);
}

/** Loopback, RFC 1918, link-local and IPv6 unique-local peers (where a reverse proxy runs). */
function isPrivatePeer(peer: string): boolean {
  const v4 = peer.startsWith('::ffff:') ? peer.slice(7) : peer;
  if (/^(127\.|10\.|192\.168\.|169\.254\.)/.test(v4) || /^172\.(1[6-9]|2\d|3[01])\./.test(v4)) return true;
  const low = peer.toLowerCase();
  return low === '::1' || low.startsWith('fc') || low.startsWith('fd') || low.startsWith('fe80:');
}

/** An IPv6 address as its /64 network ("2001:db8:1:2::/64"); any other text as it is. */
function networkOf(address: string): string {
  if (!isIPv6(address) || address.toLowerCase().startsWith('::ffff:')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
