// Webhooks end to end: endpoints managed by superusers, events written with
// the change (the outbox), delivered by the worker and verified by a receiver
// that uses the `standardwebhooks` package; retries, rollbacks, redelivery and
// the refusal of private targets.
import { User, WebhookDelivery, WebhookEvent } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { CREATE_WEBHOOK, type Receiver, startReceiver } from '../helpers/webhook-receiver';

const WEBHOOKS = `{ webhooks { id url failing consecutiveFailures deliveries(first: 20) { id status attempts eventId eventType lastStatusCode lastError deliveredAt } } }`;
const UPDATE_USER = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id username } }`;

let server: TestServer;
let receiver: Receiver;
let root: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  server = await startTestServer({
    ACCOUNT_EMAIL_VERIFICATION: 'none',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_POLL_INTERVAL: '50',
    WEBHOOK_RETRY_BASE_MS: '50',
  });
  root = await registerUser(server, { username: 'root' });
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
  receiver = await startReceiver();
  const created = await server.gql(CREATE_WEBHOOK, { i: { url: receiver.url, events: ['*'], description: 'test' } }, { token: root.token });
  expect(created.errors).toBeUndefined();
  receiver.secret = created.data.createWebhook.secret;
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.failNext = 0;
});

test('the secret is a Standard Webhooks whsec_ key, shown only in the creation answer', async () => {
  expect(receiver.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const listed = await server.gql(WEBHOOKS, {}, { token: root.token });
  expect(JSON.stringify(listed.data)).not.toContain(receiver.secret!.slice(6, 20));
});

test('a registration is delivered as user.created and session.created, signed so standardwebhooks verifies it', async () => {
  const user = await registerUser(server);
  await receiver.waitFor((r) => r.accepted().filter((e) => e.data.userId === user.user.id).length >= 2);
  const mine = receiver.accepted().filter((e) => e.data.userId === user.user.id);
  expect(mine.map((e) => e.type).sort()).toEqual(['session.created', 'user.created']);
  expect(mine.find((e) => e.type === 'user.created')!.data).toEqual({ userId: user.user.id, method: 'register' });
  expect(receiver.rejected).toBe(0);
  // Ids and field names only: no secret, hash or token travels.
  for (const e of mine) {
    expect(e.body).not.toContain(user.password);
    expect(e.body).not.toContain(user.token);
    expect(e.body).not.toMatch(/argon2|pbkdf2|refresh/i);
    expect(e.id).toMatch(/^msg_/);
  }
});

test('a receiver that fails three times gets the event once successfully, with the same webhook-id throughout', async () => {
  receiver.failNext = 3;
  const user = await registerUser(server);
  await receiver.waitFor((r) => r.accepted().some((e) => e.type === 'user.created' && e.data.userId === user.user.id));
  const tries = receiver.received.filter((e) => e.type === 'user.created' && e.data.userId === user.user.id);
  const ok = tries.filter((e) => e.status < 300);
  expect(ok).toHaveLength(1);
  const all = receiver.received.filter((e) => e.id === ok[0].id);
  expect(all.map((e) => e.status)).toEqual([500, 500, 500, 204].slice(4 - all.length));
  // Nothing more arrives for it once delivered.
  await new Promise((r) => setTimeout(r, 300));
  expect(receiver.received.filter((e) => e.id === ok[0].id && e.status < 300)).toHaveLength(1);
  const row = await server.app.orm.em.fork().findOneOrFail(WebhookDelivery, { event: ok[0].id });
  expect(row.status).toBe('delivered');
});

test('retried deliveries are visible to superusers, and a success leaves the endpoint not failing', async () => {
  receiver.failNext = 5;
  const user = await registerUser(server);
  // A registration's user.created and session.created commit together and are retried side by side: wait for both.
  const arrived = (type: string) => receiver.accepted().some((e) => e.data.userId === user.user.id && e.type === type);
  await receiver.waitFor(() => arrived('user.created') && arrived('session.created'), 30_000);
  // The receiver's 204 is recorded just after it is sent: read until the worker has written it.
  let hook: { failing: boolean; deliveries: Array<{ attempts: number; status: string }> };
  const deadline = Date.now() + 10_000;
  do {
    hook = (await server.gql(WEBHOOKS, {}, { token: root.token })).data.webhooks[0];
    if (hook.deliveries.filter((d) => d.attempts > 1).every((d) => d.status === 'delivered')) break;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  expect(hook.failing).toBe(false);
  const retried = hook.deliveries.filter((d) => d.attempts > 1);
  expect(retried.length).toBeGreaterThan(0);
  expect(retried.map((d) => d.status)).toEqual(retried.map(() => 'delivered'));
  const audit = await server.gql(`{ auditEvents(first: 100, action: "webhook.created") { edges { node { actorId target } } } }`, {}, { token: root.token });
  expect(audit.data.auditEvents.edges[0].node.actorId).toBe(Number(root.user.id));
});

test('only superusers manage webhooks', async () => {
  const plain = await registerUser(server);
  expect(errorCode(await server.gql(WEBHOOKS, {}, { token: plain.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(CREATE_WEBHOOK, { i: { url: receiver.url, events: ['*'] } }, { token: plain.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(CREATE_WEBHOOK, { i: { url: receiver.url, events: ['*'] } }))).toBe('UNAUTHENTICATED');
  const bad = await server.gql(CREATE_WEBHOOK, { i: { url: receiver.url, events: ['user.exploded'] } }, { token: root.token });
  expect(firstError(bad)?.extensions?.field).toBe('events');
});

test('a change that rolls back emits nothing', async () => {
  const a = await registerUser(server);
  const b = await registerUser(server);
  const em = server.app.orm.em.fork();
  const before = await em.count(WebhookEvent, { type: 'user.updated' });
  // Taking b's username fails at the write (unique index), after the event was queued in the same unit of work.
  const res = await server.gql(UPDATE_USER, { id: a.user.id, i: { username: b.user.username } }, { token: root.token });
  expect(errorCode(res)).toBe('BAD_USER_INPUT');
  expect(await em.fork().count(WebhookEvent, { type: 'user.updated' })).toBe(before);
  // The same change that commits does emit.
  await server.gql(UPDATE_USER, { id: a.user.id, i: { username: `${a.user.username}x` } }, { token: root.token });
  expect(await em.fork().count(WebhookEvent, { type: 'user.updated' })).toBe(before + 1);
  await receiver.waitFor((r) => r.accepted().some((e) => e.type === 'user.updated' && e.data.userId === a.user.id));
  expect(receiver.accepted().find((e) => e.type === 'user.updated')!.data).toEqual({ userId: a.user.id, fields: ['username'] });
});

test('redeliverWebhook sends the same event, with the same webhook-id, again', async () => {
  const user = await registerUser(server);
  await server.gql(LOGIN, { username: user.user.username, password: user.password });
  await receiver.waitFor((r) => r.accepted().filter((e) => e.data.userId === user.user.id && e.type === 'session.created').length >= 2);
  const first = receiver.accepted().find((e) => e.type === 'user.created' && e.data.userId === user.user.id)!;
  const row = await server.app.orm.em.fork().findOneOrFail(WebhookDelivery, { event: first.id });
  const again = await server.gql(`mutation($d: ID!) { redeliverWebhook(deliveryId: $d) { id status eventId } }`, { d: String(row.id) }, { token: root.token });
  expect(again.data.redeliverWebhook.eventId).toBe(first.id);
  await receiver.waitFor((r) => r.accepted().filter((e) => e.id === first.id).length === 2);
});

test('loopback and private targets are refused unless WEBHOOK_ALLOW_PRIVATE=true', async () => {
  const strict = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none', WEBHOOK_POLL_INTERVAL: '0' });
  try {
    const su = await registerUser(strict, { username: 'su' });
    await strict.app.orm.em.fork().nativeUpdate(User, { id: Number(su.user.id) }, { isStaff: true, isSuperuser: true });
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'ftp://example.com/',
    ]) {
      const res = await strict.gql(CREATE_WEBHOOK, { i: { url, events: ['*'] } }, { token: su.token });
      expect([url, firstError(res)?.extensions?.field]).toEqual([url, 'url']);
    }
    expect((await strict.gql(CREATE_WEBHOOK, { i: { url: 'https://hooks.example.com/x', events: ['*'] } }, { token: su.token })).errors).toBeUndefined();
  } finally {
    await strict.stop();
  }
});

test('an endpoint failing five times in a row is marked failing, a success clears it; a disabled endpoint holds its deliveries', async () => {
  const other = await startReceiver();
  try {
    const created = await server.gql(CREATE_WEBHOOK, { i: { url: other.url, events: ['user.deleted'] } }, { token: root.token });
    other.secret = created.data.createWebhook.secret;
    const hookId = created.data.createWebhook.webhook.id;
    const state = async () => (await server.gql(WEBHOOKS, {}, { token: root.token })).data.webhooks.find((w: { id: string }) => w.id === hookId);
    other.failNext = 1000;
    const victim = await registerUser(server);
    await server.gql(`mutation($p: String!) { deleteMe(password: $p) }`, { p: victim.password }, { token: victim.token });
    await other.waitFor((r) => r.received.length >= 5);
    await waitUntil(async () => (await state()).failing === true);
    expect((await state()).consecutiveFailures).toBeGreaterThanOrEqual(5);
    // Held while disabled: nothing more arrives.
    await server.gql(`mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: false }) { enabled } }`, { id: hookId }, { token: root.token });
    await new Promise((r) => setTimeout(r, 1500));
    const seen = other.received.length;
    other.failNext = 0;
    await new Promise((r) => setTimeout(r, 1500));
    expect(other.received.length).toBe(seen);
    await server.gql(`mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: true }) { enabled } }`, { id: hookId }, { token: root.token });
    await other.waitFor((r) => r.accepted().length === 1, 30_000);
    await waitUntil(async () => (await state()).failing === false);
    expect(other.accepted()[0]).toMatchObject({ type: 'user.deleted', data: { userId: victim.user.id } });
    expect((await server.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: hookId }, { token: root.token })).data.deleteWebhook).toBe(true);
  } finally {
    await other.close();
  }
}, 60_000);

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a delivery that keeps failing past WEBHOOK_RETRY_WINDOW is dead and tried no more', async () => {
  const short = await startTestServer({
    ACCOUNT_EMAIL_VERIFICATION: 'none',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_POLL_INTERVAL: '50',
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_RETRY_WINDOW: '1',
  });
  const down = await startReceiver();
  try {
    const su = await registerUser(short, { username: 'su-dead' });
    await short.app.orm.em.fork().nativeUpdate(User, { id: Number(su.user.id) }, { isStaff: true, isSuperuser: true });
    const created = await short.gql(CREATE_WEBHOOK, { i: { url: down.url, events: ['user.created'] } }, { token: su.token });
    down.secret = created.data.createWebhook.secret;
    down.failNext = 1000;
    await registerUser(short);
    const em = short.app.orm.em.fork();
    await waitUntil(async () => (await em.fork().count(WebhookDelivery, { status: 'dead' })) === 1);
    const dead = await em.fork().findOneOrFail(WebhookDelivery, { status: 'dead' });
    expect(dead.attempts).toBe(down.received.length);
    expect(dead.lastError).toBe('status 500');
    await new Promise((r) => setTimeout(r, 500));
    expect(down.received.length).toBe(dead.attempts);
  } finally {
    await short.stop();
    await down.close();
  }
}, 60_000);
