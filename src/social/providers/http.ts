// The one HTTP client every provider uses. Guarantees: one deadline for a
// whole verification (SOCIAL_HTTP_TIMEOUT, retries included); a response size
// cap; no redirects (a 3xx is a failure, so a token never follows one to
// another host); no proxy picked up from the environment (config.ts is the
// only reader of it); retries only when the connection itself failed. Errors
// become ProviderFailure with a detail that never holds the URL or headers,
// because those carry the user's provider token.

import { setTimeout as sleep } from 'node:timers/promises';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { asRecord, ProviderFailure } from './provider';

const MAX_RESPONSE_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 100;
/** Failures before any answer, where a GET is safe to repeat. */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Failures where the request never left: a POST is safe to repeat only then. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The provider read the token and said no. Other 4xx (404, 429…) mean it could not answer. */
const REJECTING = new Set([400, 401, 403]);

export interface GetOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

export interface PostOptions extends Omit<GetOptions, 'params'> {
  /** Sent as application/x-www-form-urlencoded. */
  form: Record<string, string>;
}

export class ProviderHttp {
  private axios?: typeof import('axios');
  private instance?: AxiosInstance;

  constructor(private readonly timeoutSeconds: number) {}

  /** axios (~2 MB of heap) loads on the first provider call: a server nobody signs in to socially never needs it. */
  private get client(): AxiosInstance {
    this.axios ??= require('axios') as typeof import('axios');
    this.instance ??= this.axios.default.create({
      timeout: this.timeoutSeconds * 1000,
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      proxy: false,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      headers: { accept: 'application/json', 'user-agent': 'authql' },
    });
    return this.instance;
  }

  /** Starts the clock for one verification; pass the signal to each of its calls. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.timeoutSeconds * 1000);
  }

  /** The parsed JSON body of a 2xx answer; `what` names the call in log details. */
  async getJson(what: string, url: string, opts: GetOptions): Promise<unknown> {
    return this.json(what, await this.send(what, url, opts), false);
  }

  /** A form POST (Apple's and LINE's token endpoints); the answer as getJson reads it. An empty 2xx body is `{}`. */
  async postForm(what: string, url: string, opts: PostOptions): Promise<unknown> {
    // Apple's /auth/revoke answers 200 with no body.
    return this.json(what, await this.send(what, url, opts), true);
  }

  private json(what: string, res: AxiosResponse<string>, emptyIsObject: boolean): unknown {
    const body = emptyIsObject && res.data === '' ? {} : parseJson(res.data);
    if (res.status >= 200 && res.status < 300) {
      if (body === undefined) throw new ProviderFailure('PROVIDER_UNAVAILABLE', `${what}: HTTP ${res.status} with a body that is not JSON`);
      return body;
    }
    const detail = `${what}: HTTP ${res.status}${providerCode(body)}`;
    throw new ProviderFailure(REJECTING.has(res.status) ? 'TOKEN_REJECTED' : 'PROVIDER_UNAVAILABLE', detail);
  }

  private async send(what: string, url: string, opts: GetOptions | PostOptions): Promise<AxiosResponse<string>> {
    const post = 'form' in opts;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!post) return await this.client.get<string>(url, { headers: opts.headers, params: opts.params, signal: opts.signal });
        const headers = { ...opts.headers, 'content-type': 'application/x-www-form-urlencoded' };
        return await this.client.post<string>(url, new URLSearchParams(opts.form).toString(), { headers, signal: opts.signal });
      } catch (err) {
        const code = this.axios?.isAxiosError(err) ? err.code : undefined;
        if (!opts.signal.aborted && code && (post ? NOT_SENT : RETRYABLE).has(code) && attempt < MAX_ATTEMPTS) {
          await sleep(BACKOFF_MS * attempt, undefined, { signal: opts.signal }).catch(() => undefined);
          continue;
        }
        const why = opts.signal.aborted ? 'timed out' : (code ?? 'request failed');
        throw new ProviderFailure('PROVIDER_UNAVAILABLE', `${what}: ${why} after ${attempt} attempt(s)`);
      }
    }
  }
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Kakao's `{code}`, Facebook's `{error: {code}}`, Naver's `{resultcode: "024"}` or OAuth's `{error: "invalid_grant"}` (Apple, LINE), for the log. */
function providerCode(body: unknown): string {
  const b = asRecord(body);
  const code = b?.code ?? asRecord(b?.error)?.code ?? b?.resultcode ?? b?.error;
  if (typeof code === 'number' || (typeof code === 'string' && /^\w{1,16}$/.test(code))) return ` (provider code ${code})`;
  return '';
}
