// TRUST_PROXY's entries: IPs, CIDRs, `loopback` or `private`. Parsed here,
// once, for both readers: loadConfig reports the entries that are wrong, and
// the HTTP layer asks whether a hop is one of the proxies it may believe.
import { BlockList, isIP } from 'node:net';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

/** A test for "is this address one of the trusted proxies"; the entries must be valid (trustProxyProblems). */
export function trustedAddresses(entries: readonly string[]): (ip: string) => boolean {
  const trusted = new BlockList();
  for (const entry of entries.flatMap((e) => (e === 'loopback' ? LOOPBACK : e === 'private' ? PRIVATE : [e]))) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits !== undefined) trusted.addSubnet(addr, Number(bits), family);
    else trusted.addAddress(addr, family);
  }
  return (ip) => isIP(ip) !== 0 && trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
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
