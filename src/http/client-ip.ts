// The client's IP address. The socket's peer unless that peer is a proxy
// named in TRUST_PROXY; then X-Forwarded-For is read from the right,
// skipping trusted proxies, and the first address we do not trust is the
// client. Without TRUST_PROXY the header is ignored: anyone can write it.

import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { trustedAddresses } from '../net/trusted-proxies';

export type ClientIpResolver = (req: IncomingMessage) => string | null;

/** `entries`: TRUST_PROXY's IPs, CIDRs, `loopback` or `private` (checked by loadConfig). */
export function createClientIpResolver(entries: readonly string[]): ClientIpResolver {
  const isTrusted = trustedAddresses(entries);

  return (req) => {
    const peer = normalize(req.socket.remoteAddress);
    if (!peer || entries.length === 0 || !isTrusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => normalize(h.trim()))
      .filter((h): h is string => !!h);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (isIP(hops[i]) === 0) return peer; // garbage in the chain: trust nothing from it
      if (!isTrusted(hops[i])) return hops[i];
    }
    return hops[0] ?? peer;
  };
}

function normalize(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
