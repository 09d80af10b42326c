// The clients' side of a faults scenario: one GraphQL call over real HTTP,
// classified the way a client would see it, and a tally of what came back.
import { request } from 'node:http';
import { REQUEST_DEADLINE_MS } from './sizes';

function postOnNewConnection(url: string, headers: Record<string, string>, body: string): Promise<{ res: { status: number }; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ res: { status: res.statusCode ?? 0 }, text }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_DEADLINE_MS, () => req.destroy(Object.assign(new Error('deadline'), { name: 'TimeoutError' })));
    req.on('error', reject);
    req.end(body);
  });
}

export type Outcome =
  | { kind: 'ok'; data: any }
  | { kind: 'error'; code: string; reason?: string; status: number }
  /** No answer: refused or reset connection (the server is down or was killed); `cause` is the socket error's code. */
  | { kind: 'network'; cause?: string }
  /** No answer within REQUEST_DEADLINE_MS: a hang. */
  | { kind: 'hang' }
  /** An answer that is not a GraphQL response with a catalogue code. */
  | { kind: 'garbled'; status: number; text: string };

export async function call(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  /** fresh: a new connection for this request (no keep-alive), so "refused" and "cut off" are told apart. */
  opts: { token?: string; headers?: Record<string, string>; body?: string; fresh?: boolean } = {},
): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `JWT ${opts.token}`;
  const payload = opts.body ?? JSON.stringify({ query, variables });
  let res: { status: number };
  let text: string;
  try {
    if (opts.fresh) ({ res, text } = await postOnNewConnection(url, headers, payload));
    else {
      const r = await fetch(url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });
      res = r;
      text = await r.text();
    }
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return { kind: 'hang' };
    const e = err as { code?: string; cause?: { code?: string } };
    return { kind: 'network', cause: e.cause?.code ?? e.code };
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
