// The server process keeps V8's new space small (src/v8-memory.ts): the flags
// it sets for itself at run time take effect, which a Node upgrade could
// silently undo. Seen from outside, in /metrics, after enough requests that
// the default heap would have grown its semi-spaces to 16 MB each.
import { freshDatabase } from '../helpers/database';
import { spawnServer } from '../helpers/process';
import { testEnv } from '../helpers/server';

const METRICS_TOKEN = 'metrics-token-for-memory-tests';

test('new space stays at 1 MB semi-spaces under load', async () => {
  const db = await freshDatabase({ shared: true });
  const env = { ...process.env, ...testEnv({ NODE_ENV: 'development', METRICS_TOKEN }, db.url) } as NodeJS.ProcessEnv;
  const server = await spawnServer(env);
  try {
    const body = JSON.stringify({ query: '{ __schema { types { name fields { name type { name } } } } }' });
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 10 }, () => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text())),
      );
    }
    const metrics = await (await fetch(new URL('/metrics', server.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const newSpace = Number(/^authql_nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m.exec(metrics)?.[1]);
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(2 * 2 ** 20);
  } finally {
    await server.stop();
    await db.drop?.();
  }
}, 60_000);
