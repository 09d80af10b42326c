// The PASSKEY SecondFactorMethod as the gate (issue 13) calls it, on the real
// server's services and database, before the gate itself is merged: who needs
// a second step, the options bound to one pending sign-in, and verify, which
// takes that challenge once and refuses another user's passkey.
import type { EntityManager } from '@mikro-orm/core';
import { User } from '../../src/entities';
import type { PendingChallenge, SecondFactorMethod } from '../../src/second-factor/method';
import { registerUser } from '../helpers/fixtures';
import { addPasskey } from '../helpers/passkeys';
import { startTestServer, type TestServer } from '../helpers/server';
import { SoftAuthenticator } from '../helpers/soft-authenticator';

const ORIGIN = 'https://app.example.test';
let server: TestServer;
let method: SecondFactorMethod;

beforeAll(async () => {
  server = await startTestServer({ WEBAUTHN_RP_ID: 'app.example.test', WEBAUTHN_ORIGINS: ORIGIN });
  const found = server.app.services.secondFactors.methods.find((m) => m.kind === 'PASSKEY');
  if (!found) throw new Error('no PASSKEY method registered');
  method = found;
});
afterAll(() => server.stop());

const pending = (id: string, userId: number): PendingChallenge => ({ id, userId, expiresAt: new Date(Date.now() + 300_000) });
const userOf = async (em: EntityManager, id: string) => em.findOneOrFail(User, { id: Number(id) });

async function enrolled() {
  const who = await registerUser(server);
  const key = new SoftAuthenticator({ origin: ORIGIN });
  expect((await addPasskey(server, key, who)).errors).toBeUndefined();
  return { who, key };
}

test('only an account with a passkey needs the second step; the answer must carry passkeyResponse', async () => {
  const em = server.app.orm.em.fork();
  const plain = await registerUser(server);
  expect(await method.requiresSecondStep(em, await userOf(em, plain.user.id))).toBe(false);
  const { who } = await enrolled();
  expect(await method.requiresSecondStep(em, await userOf(em, who.user.id))).toBe(true);
  expect(await method.offered(em, await userOf(em, who.user.id))).toBe(true);
  expect(method.answers({ code: '123456' })).toBe(false);
  expect(method.answers({ passkeyResponse: {} })).toBe(true);
});

test('extensions → passkeyOptions for that user; verify once, for that pending sign-in only, with amr hwk', async () => {
  const { who, key } = await enrolled();
  const em = server.app.orm.em.fork();
  const user = await userOf(em, who.user.id);
  const challenge = pending('pending-1', user.id);
  const { passkeyOptions } = (await method.extensions!(em, user, challenge)) as { passkeyOptions: any };
  expect(passkeyOptions.allowCredentials).toEqual([{ id: key.credentials[0].id.toString('base64url'), type: 'public-key', transports: ['internal'] }]);
  expect(passkeyOptions.userVerification).toBe('required');

  const response = key.get(passkeyOptions);
  // Another pending sign-in of the same user cannot use it...
  await expect(method.verify(em, user, { passkeyResponse: response }, pending('pending-2', user.id))).rejects.toMatchObject({
    extensions: { code: 'SECOND_FACTOR_INVALID' },
  });
  // ...and the refusal did not use it up for the right one, which works once.
  await expect(method.verify(em, user, { passkeyResponse: response }, challenge)).resolves.toEqual(['hwk']);
  await em.flush();
  await expect(method.verify(em, user, { passkeyResponse: key.get(passkeyOptions) }, challenge)).rejects.toMatchObject({
    extensions: { code: 'SECOND_FACTOR_INVALID' },
  });
});

test("another user's passkey, or junk, is refused", async () => {
  const alice = await enrolled();
  const bob = await enrolled();
  const em = server.app.orm.em.fork();
  const user = await userOf(em, alice.who.user.id);
  const challenge = pending('pending-3', user.id);
  const { passkeyOptions } = (await method.extensions!(em, user, challenge)) as { passkeyOptions: any };
  const bobs = bob.key.get({ challenge: passkeyOptions.challenge, rpId: passkeyOptions.rpId });
  await expect(method.verify(em, user, { passkeyResponse: bobs }, challenge)).rejects.toMatchObject({ extensions: { code: 'SECOND_FACTOR_INVALID' } });
  await expect(method.verify(em, user, { passkeyResponse: 'junk' }, challenge)).rejects.toMatchObject({ extensions: { code: 'SECOND_FACTOR_INVALID' } });
});
