// Second-factor changes leave their traces: an audit row (second_factor.changed,
// or staff.second_factors_reset for a superuser's reset) and a signed
// second_factor.changed webhook event, written with the change itself.
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { DISABLE_TOTP, enrollTotp, REGENERATE_CODES, RESET_FACTORS } from '../helpers/second-factor';
import { startTestServer, type TestServer } from '../helpers/server';
import { CREATE_WEBHOOK, type Receiver, startReceiver } from '../helpers/webhook-receiver';

const AUDIT = `query($userId: Int, $action: String) {
  auditEvents(first: 50, userId: $userId, action: $action) { edges { node { actor actorId action userId detail } } }
}`;

let server: TestServer;
let receiver: Receiver;
let root: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  server = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_INTERVAL: '50' });
  root = await registerUser(server, { username: 'sfroot' });
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
  receiver = await startReceiver();
  const created = await server.gql(CREATE_WEBHOOK, { i: { url: receiver.url, events: ['second_factor.changed'], description: 'sf' } }, { token: root.token });
  expect(created.errors).toBeUndefined();
  receiver.secret = created.data.createWebhook.secret;
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});

const rows = async (userId: string, action: string) =>
  ((await server.gql(AUDIT, { userId: Number(userId), action }, { token: root.token })).data.auditEvents.edges as Array<{ node: Record<string, unknown> }>).map(
    (e) => e.node,
  );

test('TOTP on, new recovery codes, TOTP off: one row and one signed event each, in order', async () => {
  const u = await registerUser(server);
  const { app } = await enrollTotp(server, u);
  const regenerated = await server.gql(REGENERATE_CODES, { password: u.password, code: app.next() }, { token: u.token });
  expect(regenerated.errors).toBeUndefined();
  // A TOTP code per time step is all a test gets: the last step takes a recovery code.
  const recoveryCode = regenerated.data.regenerateRecoveryCodes[0];
  expect((await server.gql(DISABLE_TOTP, { password: u.password, code: recoveryCode }, { token: u.token })).errors).toBeUndefined();
  const changes = (await rows(u.user.id, 'second_factor.changed')).map((r) => [r.actor, r.actorId, (r.detail as { change: string }).change]);
  expect(changes.reverse()).toEqual([
    ['user', Number(u.user.id), 'totp_enabled'],
    ['user', Number(u.user.id), 'recovery_codes_regenerated'],
    ['user', Number(u.user.id), 'totp_disabled'],
  ]);
  const mine = () => receiver.accepted().filter((r) => r.data.userId === u.user.id);
  await receiver.waitFor(() => mine().length === 3);
  expect(mine().map((r) => [r.type, r.data.change])).toEqual([
    ['second_factor.changed', 'totp_enabled'],
    ['second_factor.changed', 'recovery_codes_regenerated'],
    ['second_factor.changed', 'totp_disabled'],
  ]);
});

test('a superuser’s reset is the superuser’s row, about the user', async () => {
  const u = await registerUser(server);
  await enrollTotp(server, u);
  expect((await server.gql(RESET_FACTORS, { userId: u.user.id }, { token: root.token })).data.resetSecondFactors).toBe(true);
  const [reset] = await rows(u.user.id, 'staff.second_factors_reset');
  expect(reset).toMatchObject({ actor: 'user', actorId: Number(root.user.id), userId: Number(u.user.id), detail: { change: 'reset' } });
  await receiver.waitFor(() => receiver.accepted().some((r) => r.data.userId === u.user.id && r.data.change === 'reset'));
});
