// Cookie mode for browser apps: the tokens travel in httpOnly cookies that
// page scripts cannot read. Parsing and serialising are small enough to own.
import type { Config } from '../config';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name in out) continue; // the first (most specific path) wins, as browsers order them
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      /* a malformed value is simply absent */
    }
  }
  return out;
}

export interface CookieOptions {
  maxAge: number;
  path: string;
}

export function serializeCookie(cfg: Config['cookie'], name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Max-Age=${opts.maxAge}`, `Path=${opts.path}`, 'HttpOnly', `SameSite=${cfg.sameSite}`];
  if (opts.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (cfg.secure) parts.push('Secure');
  if (cfg.domain) parts.push(`Domain=${cfg.domain}`);
  return parts.join('; ');
}
