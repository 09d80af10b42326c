// The clients' side of a faults scenario: one GraphQL call over real HTTP,
// classified the way a client would see it, and a tally of what came back.
import { REQUEST_DEADLINE_MS } from './sizes';

export type Outcome =
  | { kind: 'ok'; data: any }
  | { kind: 'error'; code: string; reason?: string; status: number }
  /** No answer: refused or reset connection (the server is down or was killed). */
  | { kind: 'network' }
  /** No answer within REQUEST_DEADLINE_MS: a hang. */
  | { kind: 'hang' }
  /** An answer that is not a GraphQL response with a catalogue code. */
  | { kind: 'garbled'; status: number; text: string };

export async function call(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  opts: { token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `JWT ${opts.token}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body: opts.body ?? JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
    });
    text = await res.text();
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? { kind: 'hang' } : { kind: 'network' };
  }
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'garbled', status: res.status, text: text.slice(0, 200) };
  }
  const first = body?.errors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (typeof code !== 'string') return { kind: 'garbled', status: res.status, text: text.slice(0, 200) };
    return { kind: 'error', code, reason: first.extensions?.reason, status: res.status };
  }
  if (body?.data === undefined) return { kind: 'garbled', status: res.status, text: text.slice(0, 200) };
  return { kind: 'ok', data: body.data };
}

/** What one scenario's clients saw: answers by code (`ok`, catalogue codes, `network`, `hang`, `garbled`). */
export class Tally {
  readonly counts: Record<string, number> = {};
  add(o: Outcome | string): void {
    const key = typeof o === 'string' ? o : o.kind === 'error' ? o.code : o.kind;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
  get(key: string): number {
    return this.counts[key] ?? 0;
  }
  /** Everything but `ok`, as `CODE n, CODE n`. */
  errors(): string {
    const parts = Object.entries(this.counts)
      .filter(([k]) => k !== 'ok')
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`);
    return parts.length ? parts.join(', ') : 'none';
  }
}
