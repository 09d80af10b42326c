// Providers that are down, slow or talk nonsense: the answer is
// PROVIDER_UNAVAILABLE within SOCIAL_HTTP_TIMEOUT, nothing is written, and
// no provider token or secret reaches the logs.

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { appsecretProof } from '../../src/social/providers/facebook';
import { FACEBOOK_APP } from '../helpers/fake-facebook';
import type { FakeMode } from '../helpers/fake-http';
import { firstError, startTestServer } from '../helpers/server';
import { newToken, rowCounts, socialLogin, storeApps, useSocialServer } from '../helpers/social';

const s = useSocialServer({ SOCIAL_HTTP_TIMEOUT: '1' });
let nextId = 5100000000;
const usedTokens: string[] = [];
const kakaoToken = (extra: Record<string, unknown> = {}) => {
  const token = s.kakao.add(newToken('kakao'), { user: { id: ++nextId, nickname: 'n' }, ...extra });
  usedTokens.push(token);
  return token;
};
const facebookToken = (extra: Record<string, unknown> = {}) => {
  const token = s.facebook.add(newToken('EAAB'), { user: { id: String(++nextId), name: 'n' }, ...extra });
  usedTokens.push(token);
  return token;
};

async function expectUnavailable(provider: 'KAKAO' | 'FACEBOOK', token: string) {
  const before = await rowCounts(s.server);
  const res = await socialLogin(s.server, provider, token);
  expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'PROVIDER_UNAVAILABLE' });
  expect(res.data).toBeNull();
  expect(await rowCounts(s.server)).toEqual(before);
  return res;
}

const MODES: FakeMode[] = ['error500', 'html', 'garbage', 'huge', 'redirect'];

test.each(MODES)('Kakao answering %s is PROVIDER_UNAVAILABLE', async (mode) => {
  s.kakao.mode = mode;
  s.kakao.redirectTo = `${s.facebook.url}/v19.0/me`;
  await expectUnavailable('KAKAO', kakaoToken());
  expect(s.kakao.calls).toHaveLength(1);
  expect(s.facebook.calls).toHaveLength(0); // the redirect was not followed
});

test.each(MODES)('Facebook answering %s is PROVIDER_UNAVAILABLE', async (mode) => {
  s.facebook.mode = mode;
  s.facebook.redirectTo = `${s.kakao.url}/v2/user/me`;
  await expectUnavailable('FACEBOOK', facebookToken());
  expect(s.facebook.calls).toHaveLength(1);
  expect(s.kakao.calls).toHaveLength(0);
});

test('a failure on the second call (profile) writes nothing either', async () => {
  s.kakao.mode = 'error500';
  s.kakao.modePath = '/v2/user/me';
  await expectUnavailable('KAKAO', kakaoToken());
  expect(s.kakao.calls.map((c) => c.path)).toEqual(['/v1/user/access_token_info', '/v2/user/me']);
  s.facebook.mode = 'garbage';
  s.facebook.modePath = '/me';
  await expectUnavailable('FACEBOOK', facebookToken());
});

test.each([
  ['a token-info id that is not a number', { infoId: 'abc' }],
  ['a missing token-info id', { infoId: undefined }],
  ['a /me id that is an object', { meId: { n: 1 } }],
  ['a /me id beyond 2^53', { meId: 2 ** 60 }],
])('Kakao with %s is PROVIDER_UNAVAILABLE, not a crash', async (_label, extra) => {
  await expectUnavailable('KAKAO', kakaoToken(extra));
});

test.each([
  ['a fractional id', { meId: 12.5 }],
  ['a null id', { meId: null }],
])('Facebook /me with %s is PROVIDER_UNAVAILABLE, not a crash', async (_label, extra) => {
  await expectUnavailable('FACEBOOK', facebookToken(extra));
});

test('a connection reset is retried twice, then PROVIDER_UNAVAILABLE', async () => {
  s.kakao.mode = 'reset';
  await expectUnavailable('KAKAO', kakaoToken());
  expect(s.kakao.calls).toHaveLength(3);
});

test('a slow provider is cut off at SOCIAL_HTTP_TIMEOUT (1 s) and nothing is written', async () => {
  s.kakao.mode = 'slow';
  const started = Date.now();
  await expectUnavailable('KAKAO', kakaoToken());
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(900);
  expect(took).toBeLessThan(2500);
  expect(s.kakao.calls).toHaveLength(1);
});

test('the timeout covers the whole verification, not each call', async () => {
  // Two calls of 300 ms fit in 1 s; two of 600 ms do not, though each alone would.
  s.facebook.delayMs = 300;
  expect((await socialLogin(s.server, 'FACEBOOK', facebookToken())).errors).toBeUndefined();
  s.facebook.delayMs = 600;
  const started = Date.now();
  await expectUnavailable('FACEBOOK', facebookToken());
  expect(Date.now() - started).toBeLessThan(1500);
  expect(s.facebook.calls.map((c) => c.path)).toEqual(['/debug_token', '/me', '/debug_token', '/me']);
});

test('a provider that is down is PROVIDER_UNAVAILABLE, quickly', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as AddressInfo;
      probe.close(() => resolve(p));
    });
  });
  const down = await startTestServer({ KAKAO_API_URL: `http://127.0.0.1:${port}`, FACEBOOK_GRAPH_URL: `http://127.0.0.1:${port}/v19.0` });
  try {
    await storeApps(down);
    const started = Date.now();
    for (const provider of ['KAKAO', 'FACEBOOK'] as const) {
      const res = await socialLogin(down, provider, 'some-token');
      expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'PROVIDER_UNAVAILABLE' });
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.logs.join('')).toMatch(/ECONNREFUSED after 3 attempt/);
  } finally {
    await down.stop();
  }
});

test('no provider token, app secret or proof ever reached the logs', async () => {
  const token = facebookToken();
  await socialLogin(s.server, 'FACEBOOK', token);
  const logs = s.server.logs.join('\n');
  expect(logs).toMatch(/social sign-in refused/);
  expect(usedTokens.length).toBeGreaterThan(20);
  for (const t of usedTokens) {
    expect(logs).not.toContain(t);
    expect(logs).not.toContain(appsecretProof(FACEBOOK_APP.secret, t));
  }
  expect(logs).not.toContain(FACEBOOK_APP.secret);
});
