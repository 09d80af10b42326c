// Starts the real server on port 0 with a fresh database and talks to it over
// HTTP. Every test file gets its own server; nothing is shared or mocked.
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app';
import { loadConfig, type Env } from '../../src/config';

export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';

export interface GqlResult<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestServer {
  app: App;
  url: string;
  logs: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, opts?: { token?: string; headers?: Record<string, string> }): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export async function startTestServer(env: Env = {}): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET_KEY: TEST_SECRET,
    DATABASE_URL: 'sqlite::memory:',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const app = await createApp(config, { logDestination: sink });
  return {
    app,
    url: app.url,
    logs,
    async gql(query, variables, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
      if (opts.token) headers.authorization = `JWT ${opts.token}`;
      const res = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
      }
      return { status: res.status, headers: res.headers, data: json.data, errors: json.errors };
    },
    stop: () => app.stop(),
  };
}

export const firstError = (r: GqlResult) => r.errors?.[0];
export const errorCode = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
