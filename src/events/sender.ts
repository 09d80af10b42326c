// One delivery attempt: POST the signed body, no redirects followed, one
// deadline for the whole exchange, at most 64 KiB of the answer read (and
// thrown away). Only a 2xx counts as delivered.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { SignedHeaders } from './signature';
import { guardedLookup, isSpecialAddress, RefusedAddress } from './target-guard';

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

const MAX_ANSWER = 64 * 1024;

export function send(url: string, body: string, headers: SignedHeaders, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // Node skips the lookup hook for literal addresses, so those are checked here.
  if (!opts.allowPrivate && isIP(host) && isSpecialAddress(host)) {
    return Promise.resolve({ ok: false, status: null, error: new RefusedAddress(host).message });
  }
  return new Promise((resolve) => {
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'authql-webhooks/1' },
      lookup: guardedLookup(opts.allowPrivate),
      agent: false,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_ANSWER) res.destroy();
      });
      const done = () =>
        resolve(
          status >= 200 && status < 300
            ? { ok: true, status }
            : { ok: false, status, error: status >= 300 && status < 400 ? `redirect (${status}) not followed` : `status ${status}` },
        );
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (err) => resolve({ ok: false, status: null, error: err.name === 'AbortError' || err.name === 'TimeoutError' ? 'timed out' : err.message }));
    req.end(body);
  });
}
