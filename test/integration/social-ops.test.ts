// Social sign-in as operators see it: metrics per provider and throttling.
import { newToken, socialLogin, useSocialServer } from '../helpers/social';

const setup = useSocialServer({ RATE_LIMIT_SOCIAL: '4/60' });

test('sign-ins, provider latency and provider errors are counted per provider; socialLogin is throttled per IP', async () => {
  const good = setup.kakao.add(newToken('kakao-ops'), { user: { id: 777001, nickname: 'opsy' } });
  expect((await socialLogin(setup.server, 'KAKAO', good)).errors).toBeUndefined();
  expect((await socialLogin(setup.server, 'KAKAO', 'not-a-known-token-xyz')).errors?.[0].extensions?.reason).toBe('TOKEN_REJECTED');
  setup.facebook.mode = 'error500';
  expect((await socialLogin(setup.server, 'FACEBOOK', 'whatever-token-abc')).errors?.[0].extensions?.reason).toBe('PROVIDER_UNAVAILABLE');
  const text = await setup.server.app.services.metrics.registry.metrics();
  expect(text).toMatch(/authql_sign_ins_total\{method="social:kakao",outcome="success"\} 1/);
  expect(text).toMatch(/authql_sign_ins_total\{method="social:kakao",outcome="failure"\} 1/);
  expect(text).toMatch(/authql_provider_request_duration_seconds_count\{provider="kakao"\} 2/);
  expect(text).toMatch(/authql_provider_errors_total\{provider="kakao",reason="TOKEN_REJECTED"\} 1/);
  expect(text).toMatch(/authql_provider_errors_total\{provider="facebook",reason="PROVIDER_UNAVAILABLE"\} 1/);
  // The fourth attempt in the window is the last one allowed.
  expect((await socialLogin(setup.server, 'KAKAO', good)).errors).toBeUndefined();
  const throttled = await socialLogin(setup.server, 'KAKAO', good);
  expect(throttled.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  // Two calls per good sign-in, one for the rejected token; the throttled attempt made none.
  expect(setup.kakao.calls.length).toBe(5);
});
