// Which token the mobile app sent, checked against what the provider takes
// before anything leaves the server: Kakao takes an access token or its
// OpenID Connect ID token (LINE too); Google and Apple an ID token; Facebook and Naver
// an access token. Exactly one of the two is sent, and a nonce only with an
// ID token. A wrong combination is BAD_USER_INPUT naming the field to fix.
import { badInput } from '../errors';
import type { ProviderDescriptor } from './providers/descriptor';
import type { CredentialKind, SocialCredential } from './providers/provider';

export interface SocialTokenInput {
  accessToken?: string | null;
  idToken?: string | null;
  nonce?: string | null;
}

/** Printable ASCII without spaces; anything else is refused before it leaves the server. */
const NONCE_RE = /^[\x21-\x7e]{1,512}$/;

export function socialCredential(provider: ProviderDescriptor, input: SocialTokenInput): SocialCredential {
  const { accessToken, idToken, nonce } = input;
  const name = provider.displayName;
  const takes = provider.accepts.map((k) => `an ${k}`).join(' or ');
  if (accessToken != null && idToken != null) throw badInput('idToken', 'Send either accessToken or idToken, not both.');
  const kind: CredentialKind | null = idToken != null ? 'idToken' : accessToken != null ? 'accessToken' : null;
  if (kind === null) throw badInput(provider.accepts[0], `${name} sign-in needs ${takes}.`);
  if (!provider.accepts.includes(kind)) throw badInput(kind, `${name} sign-in takes ${takes}, not an ${kind}.`);
  if (nonce != null) {
    if (kind !== 'idToken') throw badInput('nonce', 'A nonce goes with an idToken only.');
    if (!NONCE_RE.test(nonce)) throw badInput('nonce', 'The nonce is 1–512 printable characters without spaces.');
  }
  return kind === 'idToken' ? { kind, token: idToken as string, nonce: nonce ?? null } : { kind, token: accessToken as string };
}
