import { BlockList, isIPv4 } from 'node:net';
import type { HttpRequest, HttpResponse } from '../server/http-server';
import { headerValue, sameSecret } from '../server/secrets';

/** Shortest METRICS_TOKEN accepted (a guessable token is no protection). */
export const MIN_METRICS_TOKEN_CHARS = 16;

/** Loopback and private networks (RFC 1918, IPv6 unique local): same host, LAN, Docker, Kubernetes. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** Headers a reverse proxy adds: the request came from somewhere else than the proxy's address. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'cf-connecting-ip', 'true-client-ip'];

/** True for an address on this host or a private network (`::ffff:10.1.2.3` included). */
export function isPrivateAddress(address: string | undefined): boolean {
  if (!address) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  try {
    return PRIVATE.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

/**
 * Who may read /metrics (business volume: messages, tickets, channels). With a token
 * (METRICS_TOKEN), whoever sends `Authorization: Bearer <token>`, from anywhere (compared in
 * constant time). Without one, only clients on this host or a private network that connect
 * directly: a request a reverse proxy forwarded (it carries Forwarded/X-Forwarded-For) is
 * refused even though it comes from the proxy's local address, since it may come from the
 * Internet. Returns undefined when allowed, else the answer to send.
 */
export function refuseMetrics(request: HttpRequest, token: string | undefined): HttpResponse | undefined {
  if (token) {
    const given = /^Bearer\s+(.+)$/i.exec(headerValue(request.headers.authorization)?.trim() ?? '')?.[1];
    if (sameSecret(given, token)) return undefined;
    return { status: 401, body: 'metrics need "Authorization: Bearer <METRICS_TOKEN>"\n', headers: { 'www-authenticate': 'Bearer realm="tanya-metrics"' } };
  }
  const proxied = FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined);
  if (!proxied && isPrivateAddress(request.remoteAddress)) return undefined;
  return { status: 403, body: 'metrics are served to this host and private networks only; set METRICS_TOKEN to scrape from elsewhere\n' };
}
