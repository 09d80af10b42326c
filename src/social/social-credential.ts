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
  /** Apple: what ASAuthorizationAppleIDCredential.fullName gave the app on the first authorisation. */
  firstName?: string | null;
  lastName?: string | null;
  /** Apple: ASAuthorizationAppleIDCredential.authorizationCode, exchanged for a refresh token. */
  authorizationCode?: string | null;
}

export interface SocialExtras {
  /** Null when the app sent no name (every sign-in but the first, with Apple). */
  name: { firstName: string; lastName: string } | null;
  authorizationCode: string | null;
}

/** Printable ASCII without spaces; anything else is refused before it leaves the server. */
const NONCE_RE = /^[\x21-\x7e]{1,512}$/;
const CODE_RE = /^[\x21-\x7e]{1,1024}$/;
/** User.firstName / lastName hold up to 150 characters, as Django's did. */
const NAME_MAX = 150;

/** The name and authorization code, when the provider takes them; BAD_USER_INPUT naming the field otherwise. */
export function socialExtras(provider: ProviderDescriptor, input: SocialTokenInput): SocialExtras {
  const takes = provider.extras ?? [];
  const clean = (v: string | null | undefined) => (v ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
  const [firstName, lastName] = [clean(input.firstName), clean(input.lastName)];
  if (input.firstName != null || input.lastName != null) {
    const field = input.firstName != null ? 'firstName' : 'lastName';
    if (!takes.includes('name')) throw badInput(field, `${provider.displayName} sign-in takes no name: it comes from the provider.`);
    if (firstName.length > NAME_MAX || lastName.length > NAME_MAX) throw badInput(field, `A name part is at most ${NAME_MAX} characters.`);
  }
  const code = input.authorizationCode ?? null;
  if (code !== null) {
    if (!takes.includes('authorizationCode')) throw badInput('authorizationCode', `${provider.displayName} sign-in takes no authorizationCode.`);
    if (!CODE_RE.test(code)) throw badInput('authorizationCode', 'The authorization code is 1–1024 printable characters without spaces.');
  }
  return { name: firstName || lastName ? { firstName, lastName } : null, authorizationCode: code };
}

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
