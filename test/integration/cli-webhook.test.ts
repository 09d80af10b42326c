// `manage webhook:add|list|remove` as an operator runs them: the secret is
// printed once and verifies real deliveries, an account made by
// `createsuperuser` is delivered as user.created by the next server, and
// each CLI change is audited with actor cli.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuditEvent } from '../../src/entities';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { startTestServer, TEST_SECRET } from '../helpers/server';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver';

const run = promisify(execFile);
const MANAGE = join(__dirname, '../../dist/src/cli/manage.js');

let db: TestDatabase;
let receiver: Receiver;
beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

test('webhook:add prints the secret once; the server delivers what the CLI did; list and remove', async () => {
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'authql-cli-')),
    NODE_ENV: 'test',
    JWT_SECRET_KEY: TEST_SECRET,
    WEBHOOK_ALLOW_PRIVATE: 'true',
  };
  await expect(run(process.execPath, [MANAGE, 'webhook:add', '--url', 'http://127.0.0.1:9/', '--events', 'nope'], { env })).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('events: Unknown event "nope"'),
  });
  const added = await run(process.execPath, [MANAGE, 'webhook:add', '--url', receiver.url, '--events', 'user.created', '--description', 'cli'], { env });
  const secret = /Signing secret \(shown once\): (whsec_\S+)/.exec(added.stdout)?.[1];
  const id = /Webhook (wh_\S+) created/.exec(added.stdout)?.[1];
  expect(secret).toBeDefined();
  receiver.secret = secret!;
  const listed = await run(process.execPath, [MANAGE, 'webhook:list'], { env });
  expect(listed.stdout).toContain(`${id}  ${receiver.url}  user.created`);
  expect(listed.stdout).not.toContain(secret!);
  await run(process.execPath, [MANAGE, 'createsuperuser', '--username', 'cli-root', '--email', 'cli-root@example.test', '--password', 'tangerine-volcano-42'], {
    env,
  });

  const server = await startTestServer({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_INTERVAL: '50' });
  try {
    await receiver.waitFor((r) => r.accepted().some((e) => e.type === 'user.created'));
    expect(receiver.accepted()[0].data).toMatchObject({ method: 'cli' });
    expect(receiver.rejected).toBe(0);
  } finally {
    await server.stop();
  }
  expect((await run(process.execPath, [MANAGE, 'webhook:remove', '--id', id!], { env })).stdout).toContain(`Webhook ${id} removed.`);
  expect((await run(process.execPath, [MANAGE, 'webhook:list'], { env })).stdout).toContain('No webhooks.');

  await run(process.execPath, [MANAGE, 'socialapp:add', '--provider', 'google', '--name', 'G', '--client-id', 'cli-1.apps.googleusercontent.com'], { env });

  const check = await startTestServer({ DATABASE_URL: db.url, WEBHOOK_POLL_INTERVAL: '0' });
  try {
    const rows = await check.app.orm.em.fork().find(AuditEvent, {}, { orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['webhook.created', 'cli'],
      ['cli.superuser_created', 'cli'],
      ['webhook.deleted', 'cli'],
      ['cli.command', 'cli'],
    ]);
    expect(rows.at(-1)!.detail).toEqual({ command: 'socialapp:add', flags: ['provider', 'name', 'client-id'] });
  } finally {
    await check.stop();
  }
}, 90_000);
