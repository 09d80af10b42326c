// The mailed-link actions: verifyEmail (email.verified, user.email_verified)
// and resetPassword (password.reset, password.changed via reset), each
// audited and emitted with the change.
import { AuditEvent, User, WebhookDelivery } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';
import { type FakeSmtp, startFakeSmtp, tokenFrom } from '../helpers/smtp';
import { CREATE_WEBHOOK } from '../helpers/webhook-receiver';

let smtp: FakeSmtp;
let server: TestServer;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  server = await startTestServer({
    SMTP_URL: smtp.url,
    EMAIL_VERIFICATION_URL: 'https://app.example/verify?token={token}',
    PASSWORD_RESET_URL: 'https://app.example/reset?token={token}',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_POLL_INTERVAL: '0',
  });
  const root = await registerUser(server, { username: 'root-mail' });
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
  await server.gql(CREATE_WEBHOOK, { i: { url: 'http://127.0.0.1:9/none', events: ['user.email_verified', 'password.changed'] } }, { token: root.token });
});
afterAll(async () => {
  await server.stop();
  await smtp.stop();
});

test('verifyEmail and resetPassword leave their audit rows and events', async () => {
  const u = await registerUser(server, { username: 'mailer', email: 'mailer@example.test' });
  const verification = await smtp.waitFor((m) => m.to === 'mailer@example.test' && m.subject === 'Confirm your email address');
  const verified = await server.gql(`mutation($t: String!) { verifyEmail(token: $t) { emailVerified } }`, { t: tokenFrom(verification) });
  expect(verified.data.verifyEmail.emailVerified).toBe(true);
  await server.gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: 'mailer@example.test' });
  const reset = await smtp.waitFor((m) => m.to === 'mailer@example.test' && m.text.includes('reset?token='));
  const done = await server.gql(`mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`, {
    t: tokenFrom(reset),
    p: 'a brand new passphrase 7',
  });
  expect(done.errors).toBeUndefined();

  const em = server.app.orm.em.fork();
  const rows = await em.find(AuditEvent, { userId: Number(u.user.id) }, { orderBy: { id: 'asc' } });
  expect(rows.map((r) => r.action)).toEqual(['user.registered', 'email.verified', 'password.reset']);
  const sent = await em.find(WebhookDelivery, {}, { orderBy: { id: 'asc' }, populate: ['event'] });
  const bodies = sent.map((d) => JSON.parse(d.event.body)).filter((b) => b.data.userId === u.user.id);
  expect(bodies.map((b) => [b.type, b.data])).toEqual([
    ['user.email_verified', { userId: u.user.id }],
    ['password.changed', { userId: u.user.id, via: 'reset' }],
  ]);
});
