// The playground's passkey buttons in a real headless Chromium with the
// DevTools virtual authenticator, against the real server (development
// defaults: RP ID localhost, the origin of the port it listens on): sign in
// with the password, "Add a passkey", sign out, "Sign in with a passkey"
// without a username (discoverable) and with one; the authenticator's counter
// and the stored one agree; every request goes to the server itself; a
// screenshot is kept as a CI artifact.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { Passkey } from '../../src/entities';
import { type Browser, launchChromium } from '../helpers/browser';
import { addVirtualAuthenticator } from '../helpers/browser-authenticator';
import { registerUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';

const ARTIFACTS = resolve(process.env.CI_ARTIFACTS ?? 'ci-artifacts');

let server: TestServer;
let browser: Browser;
let origin = '';

beforeAll(async () => {
  server = await startTestServer({ GRAPHIQL: 'true' });
  // localhost, not 127.0.0.1: an IP address is never a valid RP ID (the listener is the same).
  origin = `http://localhost:${new URL(server.app.origin).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Clicks and waits for the sign-in bar's message to say something new. */
async function press(page: Page, selector: string): Promise<string> {
  await page.evaluate('document.getElementById("auth-message").textContent = ""');
  await page.click(selector);
  // A selector, not waitForFunction: the page's CSP forbids evaluating strings.
  await page.waitForSelector('#auth-message:not(:empty)', { timeout: 15_000 });
  return (await page.textContent('#auth-message')) ?? '';
}

test('Add a passkey, then Sign in with a passkey (discoverable and with a username), through the playground', async () => {
  const alice = await registerUser(server, { username: 'alice' });
  const page = await browser.context.newPage();
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  const authenticator = await addVirtualAuthenticator(page);
  await page.goto(`${origin}/graphiql`);
  await page.waitForSelector('.graphiql-container');

  await page.fill('#username', 'alice');
  await page.fill('#password', alice.password);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#signed-in:not([hidden])');

  // Wrong password: refused by the server, nothing made.
  await page.fill('#passkey-password', 'not the password');
  expect(await press(page, '#add-passkey')).toBe('Adding a passkey failed: The password is not correct.');
  expect(await authenticator.credentials()).toEqual([]);

  await page.fill('#passkey-password', alice.password);
  expect(await press(page, '#add-passkey')).toMatch(/^Passkey "Playground \(.+\)" added\.$/);
  const [held] = await authenticator.credentials();
  expect(held).toMatchObject({ isResidentCredential: true, rpId: 'localhost', signCount: 1 });
  const credentialId = Buffer.from(held.credentialId, 'base64').toString('base64url');

  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.fill('#username', '');
  expect(await press(page, '#passkey-sign-in')).toBe('Signed in with a passkey.');
  expect(await page.textContent('#who')).toBe('alice');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'passkeys-playground.png') });

  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.fill('#username', 'alice');
  expect(await press(page, '#passkey-sign-in')).toBe('Signed in with a passkey.');

  // The browser refuses when user verification fails: it is required.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  await authenticator.setUserVerified(false);
  expect(await press(page, '#passkey-sign-in')).toMatch(/^Passkey sign-in failed: NotAllowedError/);
  await authenticator.setUserVerified(true);

  const [after] = await authenticator.credentials();
  expect(after.signCount).toBe(3);
  const row = await server.app.orm.em.fork().findOneOrFail(Passkey, { credentialId });
  expect(row).toMatchObject({ counter: 3, deviceType: 'singleDevice' });
  expect(problems).toEqual([]);
  expect(requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
  await authenticator.remove();
  await page.close();
});

test('opened at 127.0.0.1 the playground says to use localhost instead of failing obscurely', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.app.origin}/graphiql`);
  await page.waitForSelector('.graphiql-container');
  expect(await press(page, '#passkey-sign-in')).toBe(`Passkeys need a domain name: open ${origin}/graphiql instead.`);
  await page.close();
});
