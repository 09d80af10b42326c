// Passkeys (WebAuthn L3) over @simplewebauthn/server, with what it leaves to
// us made mandatory: the RP ID is checked in both ceremonies (the library
// skips it at registration when not given), user verification is required,
// the response must name the credential it is checked against, a userHandle
// must be its owner's, and backup eligibility may not change. Every refusal
// is a WebAuthnFailure, whether the library threw or answered `verified:
// false`. The library (~125 ms, ~17 MB) loads on first use, not on import.
import { randomBytes } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  CredentialDeviceType,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { asWebAuthnFailure, WebAuthnFailure } from './webauthn-failure';

/** ES256 first (what browsers pick when they can), then Ed25519 and RS256; fixed, because the library's default depends on the runtime. */
export const WEBAUTHN_ALGORITHMS = [-7, -8, -257];
/** How long the browser waits; the stored challenge should live as long. */
export const WEBAUTHN_TIMEOUT_MS = 5 * 60_000;
const MAX_CREDENTIAL_ID_BYTES = 1023; // WebAuthn L3 §5.1
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

const library = () => import('@simplewebauthn/server');

/** A user's WebAuthn handle: random, not personal data, not enumerable (never the user id). */
export const newUserHandle = (): Buffer => randomBytes(32);

export interface CredentialDescriptor {
  id: string; // base64url
  transports?: readonly string[];
}

/** What must match in a response: all three, always. */
export interface Expected {
  expectedChallenge: string;
  expectedOrigins: readonly string[];
  expectedRpId: string;
}

export interface RegistrationOptionsInput {
  rpId: string;
  rpName: string;
  user: { id: Uint8Array; name: string; displayName: string };
  /** The user's credentials, so an authenticator that holds one says so instead of making another. */
  excludeCredentials?: readonly CredentialDescriptor[];
}

export interface Issued<T> {
  options: T;
  /** Store it (single use, WEBAUTHN_TIMEOUT_MS) and pass it back as expectedChallenge. */
  challenge: string;
}

/** What to store for a new passkey. */
export interface NewCredential {
  credentialId: string; // base64url, unique across all accounts
  publicKey: Buffer; // COSE_Key bytes
  counter: number;
  transports: string[];
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  aaguid: string;
}

/** A stored passkey, as verifyAuthentication needs it. */
export interface StoredCredential {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports?: readonly string[];
  deviceType: CredentialDeviceType;
  /** The owner's user handle (the bytes given as user.id at registration). */
  userHandle: Uint8Array;
}

export interface Authenticated {
  /** Store it: the counter rule compares against it next time. */
  newCounter: number;
  deviceType: CredentialDeviceType;
  backedUp: boolean;
}

const descriptors = (list: readonly CredentialDescriptor[] = []) =>
  list.map((c) => ({ id: c.id, transports: c.transports?.filter((t) => TRANSPORTS.has(t)) as AuthenticatorTransport[] | undefined }));

/**
 * residentKey 'required': a passkey here is a sign-in on its own, so every
 * one must work without a username (a discoverable credential). The only
 * authenticators this turns away are U2F-era keys, which cannot verify the
 * user either, and user verification is required anyway.
 */
export async function registrationOptions(input: RegistrationOptionsInput): Promise<Issued<PublicKeyCredentialCreationOptionsJSON>> {
  if (input.user.id.length < 1 || input.user.id.length > 64) throw new Error('a WebAuthn user handle is 1 to 64 bytes'); // L3 §5.4.3
  const options = await (await library()).generateRegistrationOptions({
    rpID: input.rpId,
    rpName: input.rpName,
    userID: Uint8Array.from(input.user.id),
    userName: input.user.name,
    userDisplayName: input.user.displayName,
    timeout: WEBAUTHN_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: descriptors(input.excludeCredentials),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: WEBAUTHN_ALGORITHMS,
  });
  return { options, challenge: options.challenge };
}

export async function verifyRegistration(response: unknown, expected: Expected): Promise<NewCredential> {
  const json = readResponse(response, 'attestationObject') as unknown as RegistrationResponseJSON;
  const result = await guarded(async () =>
    (await library()).verifyRegistrationResponse({
      response: json,
      ...checks(expected),
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs: WEBAUTHN_ALGORITHMS,
    }),
  );
  if (!result.verified) throw new WebAuthnFailure('attestation', 'the attestation statement did not verify');
  const { credential, credentialDeviceType, credentialBackedUp, aaguid } = result.registrationInfo;
  // The library takes the id from authenticator data and never compares it with the one the client sent.
  if (credential.id !== json.id) throw new WebAuthnFailure('credential-mismatch', 'the response id is not the id in its authenticator data');
  if (Buffer.from(credential.id, 'base64url').length > MAX_CREDENTIAL_ID_BYTES) throw new WebAuthnFailure('malformed', 'credential id too long');
  return {
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey),
    counter: credential.counter,
    transports: (credential.transports ?? []).filter((t) => TRANSPORTS.has(t)),
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    aaguid,
  };
}

/** Without allowCredentials: any discoverable credential for the RP ID (sign-in without a username). */
export async function authenticationOptions(input: {
  rpId: string;
  allowCredentials?: readonly CredentialDescriptor[];
}): Promise<Issued<PublicKeyCredentialRequestOptionsJSON>> {
  const options = await (await library()).generateAuthenticationOptions({
    rpID: input.rpId,
    allowCredentials: input.allowCredentials && descriptors(input.allowCredentials),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
  });
  return { options, challenge: options.challenge };
}

/** The credential id a sign-in response names (to look the stored one up), or null when it is not a response. */
export function responseCredentialId(response: unknown): string | null {
  try {
    return readResponse(response, 'signature').id;
  } catch {
    return null;
  }
}

export async function verifyAuthentication(response: unknown, expected: Expected & { credential: StoredCredential }): Promise<Authenticated> {
  const json = readResponse(response, 'signature') as unknown as AuthenticationResponseJSON;
  const stored = expected.credential;
  // The library verifies against whatever credential it is handed; the caller's lookup must have used this id.
  if (json.id !== stored.credentialId) throw new WebAuthnFailure('credential-mismatch', 'the response names another credential');
  const handle = json.response.userHandle;
  if (handle !== undefined && handle !== null && handle !== '') {
    if (typeof handle !== 'string' || !Buffer.from(handle, 'base64url').equals(Buffer.from(stored.userHandle))) {
      throw new WebAuthnFailure('user-handle-mismatch', 'the userHandle is not the credential owner’s');
    }
  }
  const result = await guarded(async () =>
    (await library()).verifyAuthenticationResponse({
      response: json,
      ...checks(expected),
      credential: {
        id: stored.credentialId,
        publicKey: Uint8Array.from(stored.publicKey),
        counter: stored.counter,
        transports: stored.transports as AuthenticatorTransport[] | undefined,
      },
      requireUserVerification: true,
    }),
  );
  if (!result.verified) throw new WebAuthnFailure('signature', 'the assertion signature did not verify');
  const info = result.authenticationInfo;
  if (info.credentialDeviceType !== stored.deviceType) {
    throw new WebAuthnFailure('backup-eligibility-changed', `registered as ${stored.deviceType}, answered as ${info.credentialDeviceType}`);
  }
  return { newCounter: info.newCounter, deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp };
}

/**
 * RFC 8176 amr for a passkey sign-in: `hwk` when the key cannot leave its
 * device (backup-ineligible, 'singleDevice'), `swk` when it may be synced
 * to other devices ('multiDevice', e.g. iCloud Keychain, Google Password
 * Manager): its private key then exists outside any one piece of hardware.
 */
export function amrFor(credential: { deviceType: CredentialDeviceType; backedUp: boolean }): 'hwk' | 'swk' {
  return credential.deviceType === 'singleDevice' && !credential.backedUp ? 'hwk' : 'swk';
}

// The shape checks the library assumes before it reads; a JSON scalar from a client must not become a TypeError.
function readResponse(response: unknown, field: 'attestationObject' | 'signature'): { id: string; response: Record<string, unknown> } {
  const r = response as { id?: unknown; rawId?: unknown; type?: unknown; response?: Record<string, unknown> } | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    typeof r.id === 'string' &&
    /^[A-Za-z0-9_-]{1,1400}$/.test(r.id) &&
    typeof r.rawId === 'string' &&
    r.type === 'public-key' &&
    r.response !== null &&
    typeof r.response === 'object' &&
    typeof r.response.clientDataJSON === 'string' &&
    typeof r.response[field] === 'string';
  if (!ok) throw new WebAuthnFailure('malformed', `not a WebAuthn ${field === 'signature' ? 'authentication' : 'registration'} response`);
  return r as { id: string; response: Record<string, unknown> };
}

// Both ceremonies, always all three: the library would skip the RP ID at registration without it.
const checks = (e: Expected) => ({ expectedChallenge: e.expectedChallenge, expectedOrigin: [...e.expectedOrigins], expectedRPID: e.expectedRpId });

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asWebAuthnFailure(error);
  }
}
