// One check of a passkey assertion, shared by the passkey sign-in and the
// passkey second step: the stored passkey the response names (and, when the
// challenge was bound to a user, only theirs), verified against the taken
// challenge; the new counter, backup state and last use are set on it, to be
// flushed with the session. Every refusal is a WebAuthnFailure; the caller
// decides what the client hears.
import type { EntityManager } from '@mikro-orm/core';
import { Passkey } from '../entities';
import type { RelyingParty } from './relying-party';
import { amrFor, responseCredentialId, verifyAuthentication } from './webauthn';
import { WebAuthnFailure } from './webauthn-failure';

export async function checkAssertion(
  em: EntityManager,
  rp: RelyingParty,
  response: unknown,
  challenge: string,
  ownerId: number | null,
): Promise<{ passkey: Passkey; amr: 'hwk' | 'swk' }> {
  const credentialId = responseCredentialId(response);
  if (!credentialId) throw new WebAuthnFailure('malformed', 'not a WebAuthn authentication response');
  const passkey = await em.findOne(Passkey, { credentialId }, { populate: ['user'] });
  if (!passkey) throw new WebAuthnFailure('credential-mismatch', 'no passkey has this credential id');
  if (ownerId !== null && passkey.user.id !== ownerId) throw new WebAuthnFailure('credential-mismatch', 'the passkey belongs to another account');
  const done = await verifyAuthentication(response, {
    ...rp.expected(challenge),
    credential: {
      credentialId: passkey.credentialId,
      publicKey: passkey.publicKey,
      counter: passkey.counter,
      transports: passkey.transports,
      deviceType: passkey.deviceType,
      userHandle: passkey.userHandle,
    },
  });
  passkey.counter = done.newCounter;
  passkey.backedUp = done.backedUp;
  passkey.lastUsedAt = new Date();
  return { passkey, amr: amrFor(done) };
}
