// Graceful shutdown of the real server process: SIGTERM during a slow
// request lets it finish (its answer says connection: close), refuses new
// connections, and exits 0. And a connection accepted just before stop()
// whose request arrives just after is answered, not read, carried out and
// cut off.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase } from '../helpers/database';
import { FakeKakao, KAKAO_APP_ID } from '../helpers/fake-kakao';
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { REGISTER } from '../helpers/operations';
import { ROOT, spawnServer } from '../helpers/process';
import { startTestServer, testEnv } from '../helpers/server';
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
    expect(res.headers.get('connection')).toBe('close'); // a keep-alive connection closes after this answer
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

test('a connection accepted before stop() sends its request after: it is answered (connection: close), never carried out and cut off', async () => {
  const server = await startTestServer();
  const { hostname, port, pathname } = new URL(server.url);
  // Half-open allowed, as any client may: a FIN from the server must not stop us sending.
  const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
  let answer = '';
  socket.setEncoding('utf8').on('data', (c: string) => {
    answer += c;
  });
  socket.on('error', () => {}); // a reset shows as an empty answer below
  const ended = once(socket, 'end'); // the server has said all it will
  await once(socket, 'connect');
  await new Promise((r) => setTimeout(r, 50)); // accepted by the server, no request yet
  const stopped = server.stop();
  await new Promise((r) => setTimeout(r, 50)); // shutdown has begun
  const body = JSON.stringify({ query: REGISTER, variables: { input: { username: 'late', email: 'late@example.test', password: GOOD_PASSWORD } } });
  // Not end(): Node's HTTP server drops a request whose client half-closes.
  socket.write(`POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await ended;
  socket.destroy();
  await stopped;
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  expect(answer.toLowerCase()).toContain('connection: close');
  expect(answer).toContain('"username":"late"');
});

test('a connection that never sends a request is closed unread once shutdown has given it a moment: stop() does not wait for SHUTDOWN_TIMEOUT', async () => {
  const server = await startTestServer({ SHUTDOWN_TIMEOUT: '600' });
  const { hostname, port } = new URL(server.url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on('error', () => {});
  await once(socket, 'connect');
  await new Promise((r) => setTimeout(r, 50));
  await Promise.all([server.stop(), once(socket, 'close')]);
  expect(server.logs.some((l) => l.includes('"silent":1'))).toBe(true);
});
