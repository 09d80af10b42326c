// Graceful shutdown of the real server process: SIGTERM during a slow
// request lets it finish, refuses new connections, and exits 0.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase } from '../helpers/database';
import { FakeKakao, KAKAO_APP_ID } from '../helpers/fake-kakao';
import { ROOT, spawnServer } from '../helpers/process';
import { testEnv } from '../helpers/server';
import { SOCIAL_LOGIN } from '../helpers/social';

test('SIGTERM during a slow request: it completes, new connections are refused, the process exits 0', async () => {
  const db = await freshDatabase({ shared: true });
  const kakao = await new FakeKakao().start();
  try {
    kakao.add('slow-token', { user: { id: 4242, nickname: 'slowpoke' } });
    kakao.delayMs = 1500;
    // Not NODE_ENV=test: Apollo changes its signal handling under test, and this must see what production sees.
    const env = { ...process.env, ...testEnv({ NODE_ENV: 'development', KAKAO_API_URL: kakao.url, SHUTDOWN_TIMEOUT: '10' }, db.url) } as NodeJS.ProcessEnv;
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'dist/src/cli/manage.js'), 'socialapp:add', '--provider', 'kakao', '--name', 'K', '--client-id', 'rest-key', '--key', String(KAKAO_APP_ID)],
      { env },
    );

    const server = await spawnServer(env);
    const { url, child, lines, exited } = server;

    const slow = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SOCIAL_LOGIN, variables: { provider: 'KAKAO', accessToken: 'slow-token' } }),
    });
    while (kakao.calls.length === 0) await new Promise((r) => setTimeout(r, 10)); // the request is in flight
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(new URL('/healthz', url))).rejects.toThrow(); // no longer accepting

    const res = await slow;
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.socialLogin.user.username).toBe('slowpoke');
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.includes('shutting down'))).toBe(true);
    expect(lines.at(-1)).toContain('stopped');
  } finally {
    await kakao.stop();
    await db.drop();
  }
});
