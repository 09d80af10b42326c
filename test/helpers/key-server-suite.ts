// How an ID-token provider's keys are fetched, run by each provider's test
// file over real HTTP against its fake key server: a rotated key is fetched
// once; cached keys keep working while the key server is down, and only
// while they are valid; a flood of made-up key ids causes at most one
// refetch per SOCIAL_JWKS_MIN_REFETCH_INTERVAL.
import { newTestKey } from './fake-jwks';
import { firstError, type GqlResult } from './server';
import { idTokenLogin, type SocialSetup, useSocialServer } from './social';

export const reason = (r: GqlResult) => firstError(r)?.extensions;
export const failed = (why: string) => ({ code: 'SOCIAL_AUTH_FAILED', reason: why });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `s` is the provider file's main server; `claims` gives the claims of a valid token for a fresh user. */
export function keyServerSuite(provider: 'GOOGLE' | 'APPLE' | 'KAKAO', s: SocialSetup, claims: () => Record<string, unknown>): void {
  const login = (setup: SocialSetup, token: string) => idTokenLogin(setup.server, provider, token);
  const keys = () => s.keys[provider];

  test('a rotated key is fetched once; a second unknown kid in the same interval is not fetched', async () => {
    await login(s, keys().sign(claims())); // the current keys are cached
    keys().reset();
    await keys().rotate();
    const res = await login(s, keys().sign(claims()));
    expect(res.errors).toBeUndefined();
    expect(keys().calls).toHaveLength(1);
    expect((await login(s, keys().sign(claims()))).errors).toBeUndefined();
    expect(keys().calls).toHaveLength(1);

    const stranger = await newTestKey();
    expect(reason(await login(s, keys().sign(claims(), { key: stranger })))).toEqual(failed('PROVIDER_UNAVAILABLE'));
    expect(keys().calls).toHaveLength(1);
  });

  describe('a key server that is down', () => {
    const d = useSocialServer({ SOCIAL_JWKS_CACHE_TTL: '3', SOCIAL_JWKS_MIN_REFETCH_INTERVAL: '2' });
    const dkeys = () => d.keys[provider];
    const sign = () => dkeys().sign(claims());

    test('cached keys keep working while valid; then PROVIDER_UNAVAILABLE until it is back', async () => {
      expect((await login(d, sign())).errors).toBeUndefined();
      dkeys().mode = 'error500';
      expect((await login(d, sign())).errors).toBeUndefined();
      expect(dkeys().calls).toHaveLength(1);

      const rotated = await dkeys().rotate();
      expect(reason(await login(d, sign()))).toEqual(failed('PROVIDER_UNAVAILABLE'));
      expect(reason(await login(d, sign()))).toEqual(failed('PROVIDER_UNAVAILABLE'));
      expect(dkeys().calls).toHaveLength(2); // no second fetch right after a failed one
      dkeys().published.splice(dkeys().published.indexOf(rotated), 1);

      await sleep(3100); // the cached keys expire
      dkeys().mode = 'reset';
      expect(reason(await login(d, sign()))).toEqual(failed('PROVIDER_UNAVAILABLE'));
      dkeys().mode = 'ok';
      await sleep(2100);
      expect((await login(d, sign())).errors).toBeUndefined();
    });
  });

  describe('a flood of made-up key ids', () => {
    const f = useSocialServer({ SOCIAL_JWKS_MIN_REFETCH_INTERVAL: '4' });
    const fkeys = () => f.keys[provider];

    test('causes at most one refetch per SOCIAL_JWKS_MIN_REFETCH_INTERVAL, and every such token is refused', async () => {
      expect((await login(f, fkeys().sign(claims()))).errors).toBeUndefined();
      const stranger = await newTestKey();
      const flood = async (n: number) => {
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) => login(f, fkeys().sign(claims(), { key: stranger, kid: `made-up-${Date.now()}-${i}` }))),
        );
        for (const r of results) expect(['TOKEN_REJECTED', 'PROVIDER_UNAVAILABLE']).toContain(reason(r)?.reason);
      };
      await flood(20);
      expect(fkeys().calls).toHaveLength(2);
      await flood(10);
      expect(fkeys().calls).toHaveLength(2);
      await sleep(4100);
      await flood(10);
      expect(fkeys().calls).toHaveLength(3);
    });
  });
}
