// Where a webhook may be sent (SSRF): http(s) only, https in production, no
// credentials in the URL, and never to loopback, private, link-local or other
// special-use addresses unless WEBHOOK_ALLOW_PRIVATE=true. The address is
// checked when the endpoint is saved (literal IPs) and again at connect time
// through the resolver hook, so a name that later resolves inward (DNS
// rebinding) is refused as well.
import { type LookupAddress, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const SPECIAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  SPECIAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  SPECIAL.addSubnet(net, bits, 'ipv6');

/** True for an address no public webhook should reach (IPv4-mapped IPv6 judged as its IPv4). */
export function isSpecialAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return SPECIAL.check(mapped[1], 'ipv4');
  const family = isIP(address);
  return family === 0 ? true : SPECIAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface TargetPolicy {
  production: boolean;
  allowPrivate: boolean;
}

/** Why `raw` may not be a webhook URL, or null. */
export function targetProblem(raw: string, policy: TargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter an absolute http(s) URL.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Webhook URLs use https (or http outside production).';
  if (policy.production && url.protocol !== 'https:') return 'Webhook URLs must use https in production.';
  if (url.username || url.password) return 'Put no credentials in the URL; verify the signature instead.';
  if (raw.length > 2048) return 'The URL is too long.';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isSpecialAddress(host)))) {
    return 'Loopback and private addresses are refused (WEBHOOK_ALLOW_PRIVATE=true allows them).';
  }
  return null;
}

export class RefusedAddress extends Error {
  constructor(address: string) {
    super(`refused address ${address} (private or special-use)`);
    this.name = 'RefusedAddress';
  }
}

/** A dns.lookup for http.request that refuses special addresses unless allowed. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = allowPrivate ? undefined : addresses.find((a) => isSpecialAddress(a.address));
      if (bad) return callback(new RefusedAddress(bad.address), []);
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
