// webauthn.ts against a real browser: headless Chromium with the DevTools
// virtual authenticator registers a passkey and signs in with it
// (discoverable, no username) through a page served by a loopback server
// this test starts; the counter moves on, a refused user verification fails
// in the browser, and the TOTP QR code, drawn by Chromium, scans. No authql
// server yet (phase 2 wires these into the pipeline): this proves the blocks
// and the harness. A screenshot is kept as a CI artifact.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { qrSvg } from '../../src/second-factor/qr';
import { newTotpSecret, otpauthUri } from '../../src/second-factor/totp';
import {
  amrFor,
  authenticationOptions,
  newUserHandle,
  registrationOptions,
  responseCredentialId,
  type StoredCredential,
  verifyAuthentication,
  verifyRegistration,
} from '../../src/second-factor/webauthn';
import { type Browser, launchChromium } from '../helpers/browser';
import { addVirtualAuthenticator } from '../helpers/browser-authenticator';

const ARTIFACTS = resolve(process.env.CI_ARTIFACTS ?? 'ci-artifacts');
const RP_ID = 'localhost';

const PAGE = (qr: string) => `<!doctype html><meta charset="utf-8"><title>Passkey building blocks</title>
<style>body{font:16px system-ui;margin:2em} button{font:inherit;margin-right:1em} #status{margin:1em 0;font-weight:600}</style>
<h1>authql — second-factor building blocks</h1>
<p><button id="add">Add a passkey</button><button id="signin">Sign in with a passkey</button></p>
<p id="status">ready</p>
<p><img id="qr" alt="TOTP QR code" src="data:image/svg+xml;base64,${Buffer.from(qr).toString('base64')}"></p>
<script>
const status = (t) => { document.getElementById('status').textContent = t; };
const post = async (path, body) => (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })).json();
async function run(kind) {
  try {
    const options = await post('/' + kind + '/options');
    const credential = kind === 'register'
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    const answer = await post('/' + kind, credential.toJSON());
    status(answer.ok ? answer.message : 'refused: ' + answer.reason);
  } catch (e) { status('browser: ' + e.name); }
}
document.getElementById('add').onclick = () => run('register');
document.getElementById('signin').onclick = () => run('signin');
</script>`;

let browser: Browser;
let server: Server;
let origin = '';
let qrUri = '';
const challenges = { register: '', signin: '' };
const handle = newUserHandle();
let stored: StoredCredential | null = null;
const requested: string[] = [];

async function route(path: string, body: unknown): Promise<unknown> {
  const expected = (challenge: string) => ({ expectedChallenge: challenge, expectedOrigins: [origin], expectedRpId: RP_ID });
  if (path === '/register/options') {
    const { options, challenge } = await registrationOptions({
      rpId: RP_ID,
      rpName: 'authql test',
      user: { id: handle, name: 'alice', displayName: 'Alice' },
      excludeCredentials: stored ? [{ id: stored.credentialId }] : [],
    });
    challenges.register = challenge;
    return options;
  }
  if (path === '/signin/options') {
    const { options, challenge } = await authenticationOptions({ rpId: RP_ID }); // discoverable: no username
    challenges.signin = challenge;
    return options;
  }
  try {
    if (path === '/register') {
      const created = await verifyRegistration(body, expected(challenges.register));
      stored = { ...created, userHandle: handle };
      return { ok: true, message: `passkey added (${created.deviceType}, ${amrFor(created)}, counter ${created.counter})` };
    }
    if (path === '/signin') {
      if (!stored || responseCredentialId(body) !== stored.credentialId) return { ok: false, reason: 'unknown credential' };
      const done = await verifyAuthentication(body, { ...expected(challenges.signin), credential: stored });
      stored = { ...stored, counter: done.newCounter };
      return { ok: true, message: `signed in as alice (counter ${done.newCounter})` };
    }
  } catch (e) {
    return { ok: false, reason: (e as { reason?: string }).reason ?? String(e) };
  }
  return { ok: false, reason: 'no such route' };
}

beforeAll(async () => {
  qrUri = otpauthUri('authql test', 'alice@example.com', newTotpSecret());
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (c: string) => (raw += c));
    req.on('end', async () => {
      const path = new URL(req.url ?? '/', origin).pathname;
      if (req.method === 'GET' && path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(qrSvg(qrUri)));
        return;
      }
      const answer = req.method === 'POST' ? await route(path, raw ? JSON.parse(raw) : {}) : { ok: false, reason: 'no such route' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // localhost, not 127.0.0.1: an IP address is never a valid RP ID.
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** Clicks a button on the page and returns the status line it ends with. */
async function press(page: Page, button: '#add' | '#signin'): Promise<string> {
  await page.evaluate('document.getElementById("status").textContent = "…"');
  await page.click(button);
  await page.waitForFunction('document.getElementById("status").textContent !== "…"');
  return (await page.locator('#status').textContent()) ?? '';
}

test('Chromium registers a passkey and signs in with it; webauthn.ts verifies both', async () => {
  const page = await browser.context.newPage();
  page.on('request', (r) => requested.push(r.url()));
  const authenticator = await addVirtualAuthenticator(page);
  await page.goto(origin);

  expect(await press(page, '#add')).toBe('passkey added (singleDevice, hwk, counter 1)');
  const [held] = await authenticator.credentials();
  expect(held).toMatchObject({ isResidentCredential: true, rpId: 'localhost', signCount: 1 });
  expect(Buffer.from(held.userHandle!, 'base64')).toEqual(handle);
  expect(Buffer.from(held.credentialId, 'base64').toString('base64url')).toBe(stored!.credentialId);
  expect(stored!.transports).toEqual(['internal']);

  // Discoverable sign-in, twice: the counter moves on each time.
  expect(await press(page, '#signin')).toBe('signed in as alice (counter 2)');
  expect(await press(page, '#signin')).toBe('signed in as alice (counter 3)');

  // The same authenticator may not make a second passkey for this account (excludeCredentials).
  expect(await press(page, '#add')).toBe('browser: InvalidStateError');

  // An authenticator that fails user verification: it is required, so the browser itself refuses.
  await authenticator.setUserVerified(false);
  expect(await press(page, '#signin')).toBe('browser: NotAllowedError');
  await authenticator.setUserVerified(true);
  expect(await press(page, '#signin')).toBe('signed in as alice (counter 4)');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'webauthn-virtual-authenticator.png'), fullPage: true });
  await authenticator.remove();
  expect(requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
  await page.close();
});

test('a synced passkey (backup eligible and backed up) is multiDevice, amr swk', async () => {
  const page = await browser.context.newPage();
  const authenticator = await addVirtualAuthenticator(page, { synced: true });
  await page.goto(origin);
  expect(await press(page, '#add')).toBe('passkey added (multiDevice, swk, counter 1)');
  expect(await press(page, '#signin')).toBe('signed in as alice (counter 2)');
  await authenticator.remove();
  await page.close();
});

// A string, not a function: the tests compile without the DOM's types.
const CANVAS_PIXELS = `(async () => {
  const img = document.getElementById('qr');
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let bytes = '';
  for (let i = 0; i < rgba.length; i += 8192) bytes += String.fromCharCode(...rgba.subarray(i, i + 8192));
  return { width: canvas.width, height: canvas.height, rgba: btoa(bytes) }; // base64: a number array crawls through CDP
})()`;

test('the TOTP QR code, as Chromium draws it, scans back to the otpauth URI', async () => {
  const page = await browser.context.newPage();
  await page.goto(origin);
  const pixels = (await page.evaluate(CANVAS_PIXELS)) as { width: number; height: number; rgba: string };
  expect(pixels.width).toBe(228);
  expect(jsQR(new Uint8ClampedArray(Buffer.from(pixels.rgba, 'base64')), pixels.width, pixels.height)?.data).toBe(qrUri);
  await page.close();
});
