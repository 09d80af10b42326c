// Typed reading of env-like records for config.ts: each method records a
// problem instead of throwing, so loadConfig can report them all at once.
import type { Env, RateRule } from './types';

export /** Collects problems while reading variables; never throws mid-way. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback: string): string;
  str(name: string): string | undefined;
  str(name: string, fallback?: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** An absolute http(s) URL, returned without a trailing slash. */
  url(name: string, fallback: string): string {
    const raw = this.str(name, fallback);
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      /* reported below */
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
      this.problems.push(`${name} must be an http(s) URL without query or fragment (got "${raw}")`);
      return fallback;
    }
    return raw.replace(/\/+$/, '');
  }

  /** Comma-separated values, trimmed, empties dropped. */
  list(name: string): string[] {
    return (this.str(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }

  /** A link template that must contain `{token}`. */
  linkTemplate(name: string, fallback: string): string {
    const raw = this.str(name, fallback);
    if (!raw.includes('{token}')) this.problems.push(`${name} must contain {token} (got "${raw}")`);
    return raw;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return fallback;
  }

  /** A rate limit written `N/seconds` (e.g. `5/300`), or `off`. */
  rate(name: string, fallback: RateRule): RateRule | null {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if (raw.trim().toLowerCase() === 'off') return null;
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
      this.problems.push(`${name} must look like 5/300 (attempts per seconds) or off (got "${raw}")`);
      return fallback;
    }
    return { limit: Number(m[1]), window: Number(m[2]) };
  }
}
