// The key a client IP is throttled under. One IPv6 client (a home, a phone, a
// VM) is usually handed a whole /64 and may use any address in it, so per-IP
// budgets count IPv6 per /64; IPv4 counts per address, and an IPv4-mapped
// IPv6 address (::ffff:a.b.c.d, in either spelling) is that IPv4 address.
// Only throttling groups addresses: sessions and logs keep the full one.
import { isIP } from 'node:net';

export function throttleSubject(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const address = ip.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names our interface, not the client
  if (isIP(address) !== 6) return address;
  const g = ipv6Groups(address);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join('.');
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (checked by the caller). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((x) => parseInt(x, 16));
}
