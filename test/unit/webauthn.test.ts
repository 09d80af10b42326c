// webauthn.ts driven by the software authenticator: both ceremonies, and
// each way a response must be refused, with the reason it is refused for.
import {
  amrFor,
  authenticationOptions,
  type NewCredential,
  newUserHandle,
  registrationOptions,
  responseCredentialId,
  type StoredCredential,
  verifyAuthentication,
  verifyRegistration,
} from '../../src/second-factor/webauthn';
import { WebAuthnFailure, type WebAuthnFailureReason } from '../../src/second-factor/webauthn-failure';
import { type AuthenticatorOptions, type Override, SoftAuthenticator } from '../helpers/soft-authenticator';

const RP = { rpId: 'app.test', rpName: 'Acme' };
const ORIGIN = 'https://app.test';
const ORIGINS = [ORIGIN, 'android:apk-key-hash:iIx_AtYu7TpTu5yma4JcDXio5bayESi89axnyOCjfFo'];
const expected = (challenge: string) => ({ expectedChallenge: challenge, expectedOrigins: ORIGINS, expectedRpId: RP.rpId });

async function refusedWith(reason: WebAuthnFailureReason, promise: Promise<unknown>): Promise<WebAuthnFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebAuthnFailure);
  expect((error as WebAuthnFailure).reason).toBe(reason);
  return error as WebAuthnFailure;
}

/** Registers a passkey for a fresh user; returns what the server would store. */
async function register(auth: SoftAuthenticator, over: Override = {}) {
  const handle = newUserHandle();
  const { options, challenge } = await registrationOptions({ ...RP, user: { id: handle, name: 'alice', displayName: 'Alice' } });
  const created = await verifyRegistration(auth.create(options, over), expected(challenge));
  const stored: StoredCredential = { ...created, userHandle: handle };
  return { created, stored, handle };
}

async function signIn(auth: SoftAuthenticator, stored: StoredCredential, over: Override = {}, discoverable = false) {
  const { options, challenge } = await authenticationOptions({
    rpId: RP.rpId,
    allowCredentials: discoverable ? undefined : [{ id: stored.credentialId, transports: stored.transports }],
  });
  return verifyAuthentication(auth.get(options, over), { ...expected(challenge), credential: stored });
}

const soft = (o: Partial<AuthenticatorOptions> = {}) => new SoftAuthenticator({ origin: ORIGIN, ...o });

test('the options ask for what the rules require', async () => {
  const handle = newUserHandle();
  const { options, challenge } = await registrationOptions({
    ...RP,
    user: { id: handle, name: 'alice', displayName: 'Alice A.' },
    excludeCredentials: [{ id: 'AAAA', transports: ['internal', 'bogus'] }],
  });
  expect(challenge).toBe(options.challenge);
  expect(Buffer.from(challenge, 'base64url')).toHaveLength(32);
  expect(options).toMatchObject({
    rp: { id: 'app.test', name: 'Acme' },
    user: { id: handle.toString('base64url'), name: 'alice', displayName: 'Alice A.' },
    pubKeyCredParams: [-7, -8, -257].map((alg) => ({ alg, type: 'public-key' })),
    timeout: 300_000,
    attestation: 'none',
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    excludeCredentials: [{ id: 'AAAA', type: 'public-key', transports: ['internal'] }],
  });
  const discoverable = await authenticationOptions({ rpId: RP.rpId });
  expect(discoverable.options).toMatchObject({ rpId: 'app.test', userVerification: 'required', timeout: 300_000 });
  expect(discoverable.options.allowCredentials ?? []).toEqual([]);
  await expect(registrationOptions({ ...RP, user: { id: Buffer.alloc(65), name: 'a', displayName: 'a' } })).rejects.toThrow(/1 to 64 bytes/);
  const named = await authenticationOptions({ rpId: RP.rpId, allowCredentials: [{ id: 'AAAA' }] });
  expect(named.options.allowCredentials).toEqual([{ id: 'AAAA', type: 'public-key' }]);
  expect(named.challenge).not.toBe(discoverable.challenge);
});

test('registration gives what to store; sign-in verifies and moves the counter on', async () => {
  const auth = soft();
  const { created, stored } = await register(auth);
  expect(created).toEqual<NewCredential>({
    credentialId: auth.credentials[0].id.toString('base64url'),
    publicKey: expect.any(Buffer),
    counter: 1,
    transports: ['internal'],
    deviceType: 'singleDevice',
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
  });
  const first = await signIn(auth, stored);
  expect(first).toEqual({ newCounter: 2, deviceType: 'singleDevice', backedUp: false });
  const second = await signIn(auth, { ...stored, counter: first.newCounter });
  expect(second.newCounter).toBe(3);
  expect(amrFor(second)).toBe('hwk');
});

test('discoverable sign-in: no allowCredentials, the response names the credential and its owner', async () => {
  const auth = soft();
  const { stored, handle } = await register(auth);
  const { options, challenge } = await authenticationOptions({ rpId: RP.rpId });
  const response = auth.get(options);
  expect(response.response.userHandle).toBe(handle.toString('base64url'));
  expect(responseCredentialId(response)).toBe(stored.credentialId); // how the caller finds the stored one
  await expect(verifyAuthentication(response, { ...expected(challenge), credential: stored })).resolves.toMatchObject({ newCounter: 2 });
  for (const junk of [null, 'x', 42, {}, { id: 'a b', rawId: 'a b', type: 'public-key', response: {} }]) expect(responseCredentialId(junk)).toBeNull();
});

test('a synced passkey (counter always 0, backed up) signs in again and again, and is swk', async () => {
  const auth = soft({ counter: 'zero', backupEligible: true, backedUp: true });
  const { created, stored } = await register(auth);
  expect(created).toMatchObject({ counter: 0, deviceType: 'multiDevice', backedUp: true });
  expect(amrFor(created)).toBe('swk');
  for (let i = 0; i < 3; i++) await expect(signIn(auth, stored)).resolves.toEqual({ newCounter: 0, deviceType: 'multiDevice', backedUp: true });
  // Backup-eligible but not yet backed up is still a key that can leave its device.
  expect(amrFor({ deviceType: 'multiDevice', backedUp: false })).toBe('swk');
});

test('a counter that does not increase is refused: a replayed assertion or a cloned key', async () => {
  const auth = soft();
  const { stored } = await register(auth);
  const { options, challenge } = await authenticationOptions({ rpId: RP.rpId });
  const response = auth.get(options);
  const ok = await verifyAuthentication(response, { ...expected(challenge), credential: stored });
  // The same response again, against the counter stored after the first.
  await refusedWith('counter', verifyAuthentication(response, { ...expected(challenge), credential: { ...stored, counter: ok.newCounter } }));
  // A clone answering with a counter it has already shown.
  await refusedWith('counter', signIn(auth, { ...stored, counter: ok.newCounter }, { repeatCounter: true }));
  // A counter that falls back to 0 after being non-zero.
  const zero = soft({ counter: 'zero' });
  const reg = await register(zero);
  await refusedWith('counter', signIn(zero, { ...reg.stored, counter: 5 }));
});

test('another origin is refused, in both ceremonies', async () => {
  const auth = soft();
  const failure = await refusedWith('origin', register(auth, { origin: 'https://evil.test' }));
  expect(failure.detail).toContain('https://evil.test');
  await refusedWith('origin', register(auth, { origin: 'https://app.test/' })); // exact match only
  await refusedWith('origin', register(auth, { origin: 'https://app.test:444' }));
  const { stored } = await register(auth);
  await refusedWith('origin', signIn(auth, stored, { origin: 'https://evil.test' }));
  // Every configured origin works: here an Android app's.
  await expect(signIn(auth, stored, { origin: ORIGINS[1] })).resolves.toMatchObject({ newCounter: 3 });
});

test('another RP ID is refused, in both ceremonies (the library skips it at registration unless told)', async () => {
  const auth = soft();
  await refusedWith('rp-id', register(auth, { rpId: 'evil.test' }));
  const { stored } = await register(auth);
  await refusedWith('rp-id', signIn(auth, stored, { rpId: 'evil.test' }));
});

test('no user verification is refused, in both ceremonies', async () => {
  await refusedWith('user-verification', register(soft({ userVerified: false })));
  const auth = soft();
  const { stored } = await register(auth);
  await refusedWith('user-verification', signIn(auth, stored, { userVerified: false }));
});

test('a tampered signature is refused (the library answers verified: false without throwing)', async () => {
  const auth = soft();
  const { stored } = await register(auth);
  await refusedWith('signature', signIn(auth, stored, { tamperSignature: true }));
});

test('a wrong challenge is refused', async () => {
  const auth = soft();
  const { options } = await registrationOptions({ ...RP, user: { id: newUserHandle(), name: 'a', displayName: 'a' } });
  const other = await registrationOptions({ ...RP, user: { id: newUserHandle(), name: 'a', displayName: 'a' } });
  await refusedWith('challenge', verifyRegistration(auth.create(options), expected(other.challenge)));
});

test('credential id swaps are refused', async () => {
  const auth = soft();
  const alice = await register(auth);
  const bob = await register(soft());
  // An assertion by Alice's key that claims to be Bob's credential.
  await refusedWith('credential-mismatch', signIn(auth, alice.stored, { claimCredentialId: bob.stored.credentialId }));
  // Alice's genuine assertion checked against Bob's stored credential (a lookup that picked the wrong row).
  const { options, challenge } = await authenticationOptions({ rpId: RP.rpId });
  await refusedWith('credential-mismatch', verifyAuthentication(auth.get(options), { ...expected(challenge), credential: bob.stored }));
  // A registration whose id is not the one in its authenticator data (e.g. to take Bob's id).
  await refusedWith('credential-mismatch', register(soft(), { claimCredentialId: bob.stored.credentialId }));
});

test("a userHandle that is not the credential owner's is refused; an absent one is fine", async () => {
  const auth = soft();
  const { stored } = await register(auth);
  await refusedWith('user-handle-mismatch', signIn(auth, stored, { userHandle: newUserHandle() }, true));
  await expect(signIn(auth, stored, { userHandle: null })).resolves.toMatchObject({ deviceType: 'singleDevice' });
});

test('backup eligibility may not change after registration', async () => {
  const auth = soft();
  const { stored } = await register(auth);
  auth.options.backupEligible = true;
  await refusedWith('backup-eligibility-changed', signIn(auth, stored));
});

test('anything that is not a response is refused as malformed, never a crash', async () => {
  const { options, challenge } = await registrationOptions({ ...RP, user: { id: newUserHandle(), name: 'a', displayName: 'a' } });
  const good = soft().create(options);
  const junk: unknown[] = [
    null,
    'response',
    42,
    [],
    {},
    { ...good, id: undefined },
    { ...good, rawId: 'other' },
    { ...good, type: 'password' },
    { ...good, response: null },
    { ...good, response: { ...good.response, attestationObject: 'not-cbor' } },
    { ...good, response: { ...good.response, clientDataJSON: Buffer.from('{').toString('base64url') } },
  ];
  for (const r of junk) await refusedWith('malformed', verifyRegistration(r, expected(challenge)));
  const auth = soft();
  const { stored } = await register(auth);
  const sign = await authenticationOptions({ rpId: RP.rpId });
  const assertion = auth.get(sign.options);
  for (const r of [null, {}, good, { ...assertion, response: { ...assertion.response, authenticatorData: 'AAAA' } }]) {
    await refusedWith(
      'malformed',
      verifyAuthentication(r, {
        ...expected(sign.challenge),
        credential: { ...stored, credentialId: (r as { id?: string } | null)?.id ?? stored.credentialId },
      }),
    );
  }
});
