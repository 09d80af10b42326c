// The GraphiQL playground at /graphiql in a real headless Chromium: reached
// from /graphql, a refused sign-in shown in words, then sign in,
// run `users`, see the answer; the token refreshes by itself and sign-out
// forgets it; every request the page makes goes to our own server; a
// screenshot is kept as a CI artifact.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, launchChromium } from '../helpers/browser';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { startTestServer, type TestServer } from '../helpers/server';

const ARTIFACTS = resolve(process.env.CI_ARTIFACTS ?? 'ci-artifacts');
const USERS = '{\n  users(first: 10) {\n    totalCount\n    edges { node { id username } }\n  }\n}\n';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  // 8-second tokens: fresh for the first run, then waited into the page's 5-second refresh margin.
  server = await startTestServer({ GRAPHIQL: 'true', JWT_EXPIRATION_DELTA: '8' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs the editor's query; returns the server's answer once GraphiQL shows text from it. */
async function run(page: Page, shown: string): Promise<string> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/graphql') && !!r.request().postData()?.includes('totalCount'));
  await page.click('.graphiql-execute-button');
  const body = await (await answered).text();
  await page.locator('.graphiql-response', { hasText: shown }).waitFor({ timeout: 10_000 });
  return body;
}

test('sign in, run users, refresh, sign out, all served from 127.0.0.1', async () => {
  const alice = await registerUser(server, { username: 'alice' });
  await registerUser(server, { username: 'bob' });
  const page = await browser.context.newPage();
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  // Opening the GraphQL endpoint itself lands on the playground, the query in its editor.
  const res = await page.goto(`${server.app.origin}/graphql?query=${encodeURIComponent(USERS)}`);
  expect(res?.status()).toBe(200);
  expect(page.url()).toBe(`${server.app.origin}/graphiql?query=${encodeURIComponent(USERS)}`);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.waitForSelector('.graphiql-container .graphiql-execute-button');

  // Anonymous: the protected list is refused.
  expect(await run(page, 'UNAUTHENTICATED')).toContain('MISSING_TOKEN');

  // A refused sign-in shows the server's sentence, not its code.
  await page.fill('#username', 'alice');
  await page.fill('#password', 'not the password');
  await page.click('#sign-in button[type=submit]');
  await page.locator('#auth-message', { hasText: 'Unable to sign in with the provided credentials.' }).waitFor({ timeout: 10_000 });
  expect(await page.textContent('#auth-message')).not.toContain('INVALID_CREDENTIALS');

  await page.fill('#password', GOOD_PASSWORD);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#signed-in:not([hidden])');
  expect(await page.textContent('#who')).toBe('alice');

  const answer = await run(page, '"bob"');
  expect(answer).toContain('"alice"');
  expect(answer).toContain('"bob"');
  expect(await page.getAttribute('#refreshes', 'data-count')).toBe('0');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png') });

  // Close to expiry: the page refreshes the token (once) before sending.
  const exp = (await page.evaluate('JSON.parse(sessionStorage.getItem("authql.playground.session")).exp')) as number;
  await page.waitForTimeout(Math.max(0, exp * 1000 - Date.now() - 4500));
  expect(await run(page, 'totalCount')).toContain('"alice"');
  expect(await page.getAttribute('#refreshes', 'data-count')).toBe('1');

  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  expect(await run(page, 'UNAUTHENTICATED')).toContain('MISSING_TOKEN');

  // Paste-a-token: an access token from elsewhere works as it is.
  const login = await server.gql(LOGIN, { username: 'alice', password: alice.password });
  await page.click('#show-paste');
  await page.fill('#access-token', login.data.login.token);
  await page.click('#paste-token button[type=submit]');
  await page.waitForSelector('#signed-in:not([hidden])');
  expect(await run(page, 'totalCount')).toContain('"bob"');

  const foreign = requested.filter((url) => new URL(url).hostname !== '127.0.0.1' && !url.startsWith('data:'));
  expect(foreign).toEqual([]);
  expect(requested.some((url) => url.endsWith('/graphiql/graphiql.js'))).toBe(true);
  expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
});

test('is off unless configured, and off by default outside development', async () => {
  const plain = await startTestServer();
  try {
    expect((await fetch(`${plain.app.origin}/graphiql`)).status).toBe(404);
  } finally {
    await plain.stop();
  }
  const assets = await fetch(`${server.app.origin}/graphiql/react.js`);
  expect(assets.headers.get('content-type')).toContain('javascript');
  expect((await fetch(`${server.app.origin}/graphiql/nope.js`)).status).toBe(404);
  expect((await fetch(`${server.app.origin}/graphiql`, { method: 'POST' })).status).toBe(405);
});
