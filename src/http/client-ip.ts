// The client's IP address. The socket's peer unless that peer is a proxy
// named in TRUST_PROXY; then X-Forwarded-For is read from the right,
// skipping trusted proxies, and the first address we do not trust is the
// client. Without TRUST_PROXY the header is ignored: anyone can write it.

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

export type ClientIpResolver = (req: IncomingMessage) => string | null;

/** `entries`: IPs, CIDRs, `loopback` or `private`. Returns null for an invalid entry's message. */
export function createClientIpResolver(entries: readonly string[]): ClientIpResolver {
  const trusted = new BlockList();
  for (const entry of entries.flatMap((e) => (e === 'loopback' ? LOOPBACK : e === 'private' ? PRIVATE : [e]))) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits !== undefined) trusted.addSubnet(addr, Number(bits), family);
    else trusted.addAddress(addr, family);
  }
  const isTrusted = (ip: string) => isIP(ip) !== 0 && trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');

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

/** Problems with TRUST_PROXY entries, for loadConfig. */
export function trustProxyProblems(entries: readonly string[]): string[] {
  return entries
    .filter((e) => e !== 'loopback' && e !== 'private')
    .filter((e) => {
      const [addr, bits] = e.split('/');
      const v = isIP(addr);
      return v === 0 || (bits !== undefined && !(Number.isInteger(Number(bits)) && Number(bits) >= 0 && Number(bits) <= (v === 6 ? 128 : 32)));
    })
    .map((e) => `TRUST_PROXY entries must be IPs, CIDRs, loopback or private (got "${e}")`);
}

function normalize(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
