// Starts the real server on port 0 with a fresh database and talks to it over
// HTTP. Every test file gets its own server; nothing is shared or mocked.
import { Writable } from 'node:stream';
import { type App, createApp } from '../../src/app';
import { type Env, loadConfig } from '../../src/config';
import { freshDatabase } from './database';

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

/** The environment every test server starts from; a test's own `env` wins. */
export function testEnv(env: Env, databaseUrl?: string): Env {
  return {
    NODE_ENV: 'test',
    JWT_SECRET_KEY: TEST_SECRET,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // Generous throttling so suites that sign in often are not throttled;
    // the rate-limit tests set their own.
    RATE_LIMIT_LOGIN_ACCOUNT: '10000/60',
    RATE_LIMIT_LOGIN_IP: '10000/60',
    RATE_LIMIT_REGISTER: '10000/60',
    RATE_LIMIT_PASSWORD_RESET_IP: '10000/60',
    RATE_LIMIT_PASSWORD_RESET_EMAIL: '10000/60',
    RATE_LIMIT_SOCIAL: '10000/60',
    RATE_LIMIT_REFRESH: '10000/60',
    RATE_LIMIT_REAUTH: '10000/60',
    RATE_LIMIT_MAIL_USER: '10000/60',
    RATE_LIMIT_MAIL_ADDRESS: '10000/60',
    RATE_LIMIT_PASSKEY_OPTIONS: '10000/60',
    ...env,
  };
}

export async function startTestServer(env: Env = {}): Promise<TestServer> {
  // A database of our own unless the test names one (to share it).
  const db = env.DATABASE_URL ? null : await freshDatabase();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  let app: App;
  try {
    const config = loadConfig(testEnv(env, db?.url));
    app = await createApp(config, { logDestination: sink });
  } catch (err) {
    await db?.drop();
    throw err;
  }
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
    stop: async () => {
      await app.stop();
      await db?.drop();
    },
  };
}

export const firstError = (r: GqlResult) => r.errors?.[0];
export const errorCode = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
