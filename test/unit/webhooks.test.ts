// The pieces of webhook delivery that are pure functions: the address rules,
// the backoff schedule, and that the README documents every event and action.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTIONS } from '../../src/audit/actions';
import { nextAttempt, retryDelayMs } from '../../src/events/backoff';
import { EVENT_TYPES } from '../../src/events/catalogue';
import { guardedLookup, isSpecialAddress, targetProblem } from '../../src/events/target-guard';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');

test('every event type and audit action is in the README', () => {
  for (const type of EVENT_TYPES) expect([type, README.includes(`| \`${type}\` |`)]).toEqual([type, true]);
  for (const action of Object.keys(AUDIT_ACTIONS)) expect([action, README.includes(`\`${action}\``)]).toEqual([action, true]);
});

test('special-use addresses are recognised, IPv4-mapped IPv6 included', () => {
  for (const a of [
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
  ]) {
    expect([a, isSpecialAddress(a)]).toEqual([a, true]);
  }
  for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '172.32.0.1']) expect([a, isSpecialAddress(a)]).toEqual([a, false]);
});

test('URLs: https in production, no credentials, no private literals unless allowed', () => {
  const strict = { production: true, allowPrivate: false };
  expect(targetProblem('http://hooks.example.com/', strict)).toMatch(/https/);
  expect(targetProblem('https://user:pw@hooks.example.com/', strict)).toMatch(/credentials/);
  expect(targetProblem('https://hooks.example.com/x', strict)).toBeNull();
  expect(targetProblem('https://10.0.0.1/x', strict)).toMatch(/private/);
  expect(targetProblem('https://10.0.0.1/x', { production: true, allowPrivate: true })).toBeNull();
});

test('the connect-time lookup refuses a name that resolves to loopback', async () => {
  const err = await new Promise<Error | null>((resolve) => guardedLookup(false)('localhost', {}, (e) => resolve(e)));
  expect(err?.message).toMatch(/refused address/);
  const ok = await new Promise<Error | null>((resolve) => guardedLookup(true)('localhost', {}, (e) => resolve(e)));
  expect(ok).toBeNull();
});

test('backoff doubles with jitter, caps at six hours, and a 30 s base retries for more than 24 hours', () => {
  expect(retryDelayMs(1, 1000, () => 0)).toBe(500);
  expect(retryDelayMs(1, 1000, () => 1)).toBe(1000);
  expect(retryDelayMs(4, 1000, () => 1)).toBe(8000);
  expect(retryDelayMs(30, 30_000, () => 1)).toBe(6 * 3600 * 1000);
  // Worst case (least jitter): attempts continue until the 3-day window, well past 24 h.
  const start = new Date(0);
  let now = start;
  let failures = 0;
  for (;;) {
    failures += 1;
    const next = nextAttempt(failures, start, now, { baseMs: 30_000, windowMs: 3 * 86_400_000 });
    if (!next) break;
    now = next;
  }
  expect(now.getTime() - start.getTime()).toBeGreaterThan(24 * 3600 * 1000);
});
