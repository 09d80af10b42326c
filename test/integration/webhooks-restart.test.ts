// Nothing lost, nothing doubled by us: a server killed (SIGKILL) while a
// delivery is in flight leaves it to the next server, and two replicas on one
// database deliver each event once (each claims its own rows).
import { User } from '../../src/entities';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { REGISTER } from '../helpers/operations';
import { gqlAt, spawnServer } from '../helpers/process';
import { startTestServer, type TestServer, testEnv } from '../helpers/server';
import { CREATE_WEBHOOK, type Receiver, startReceiver } from '../helpers/webhook-receiver';

const WEBHOOK_ENV = { ACCOUNT_EMAIL_VERIFICATION: 'none', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT: '1' };

let db: TestDatabase;
let receiver: Receiver;
let admin: TestServer;

beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  receiver = await startReceiver();
  // Migrates the database and holds the endpoint; no worker of its own.
  admin = await startTestServer({ ...WEBHOOK_ENV, DATABASE_URL: db.url, WEBHOOK_POLL_INTERVAL: '0' });
  const root = await registerUser(admin, { username: 'root' });
  await admin.app.orm.em.fork().nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
  const created = await admin.gql(CREATE_WEBHOOK, { i: { url: receiver.url, events: ['user.created'] } }, { token: root.token });
  receiver.secret = created.data.createWebhook.secret;
});
afterAll(async () => {
  await admin.stop();
  await receiver.close();
  await db.drop();
});

test('a server killed with SIGKILL while delivering leaves the event to the next one, which delivers it', async () => {
  receiver.hangNext = 1;
  const env = testEnv({ ...WEBHOOK_ENV, DATABASE_URL: db.url, WEBHOOK_POLL_INTERVAL: '50', LOG_LEVEL: 'info' });
  const first = await spawnServer({ ...process.env, ...env } as NodeJS.ProcessEnv);
  const res = await gqlAt(first.url, REGISTER, { input: { username: 'killed', email: 'killed@example.test', password: GOOD_PASSWORD } });
  const userId = res.data.register.user.id;
  // The first server has claimed the delivery and is waiting on the receiver: kill it there.
  await receiver.waitFor((r) => r.received.some((e) => e.data.userId === userId));
  first.child.kill('SIGKILL');
  await first.exited;
  const next = await startTestServer({ ...WEBHOOK_ENV, DATABASE_URL: db.url, WEBHOOK_POLL_INTERVAL: '50' });
  try {
    await receiver.waitFor((r) => r.accepted().some((e) => e.data.userId === userId), 30_000);
    const tries = receiver.received.filter((e) => e.data.userId === userId);
    // The same message both times: the receiver deduplicates by webhook-id.
    expect(new Set(tries.map((e) => e.id)).size).toBe(1);
    expect(receiver.accepted().filter((e) => e.data.userId === userId)).toHaveLength(1);
  } finally {
    await next.stop();
  }
}, 60_000);

test('two replicas on one database deliver each event exactly once', async () => {
  const replicas = await Promise.all([0, 1].map(() => startTestServer({ ...WEBHOOK_ENV, DATABASE_URL: db.url, WEBHOOK_POLL_INTERVAL: '20' })));
  try {
    const users: string[] = [];
    for (let i = 0; i < 12; i++) users.push((await registerUser(replicas[i % 2])).user.id);
    await receiver.waitFor((r) => users.every((id) => r.accepted().some((e) => e.data.userId === id)), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    for (const id of users) expect(receiver.received.filter((e) => e.data.userId === id)).toHaveLength(1);
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}, 60_000);
