// Second factors for tests: the GraphQL documents, an authenticator app
// (RFC 6238 codes from the secret the server handed out, each step once, as
// a real app shows them), and enrolling a registered user over the API.
import { base32Decode, hotp, totpStep } from '../../src/second-factor/totp';
import type { registerUser } from './fixtures';
import { LOGIN } from './operations';
import type { TestServer } from './server';

export const SF_AUTH_FIELDS = `token refreshToken payload { sub username amr authTime origIat } user { id username }`;
export const SF_LOGIN = `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { ${SF_AUTH_FIELDS} } }`;
export const BEGIN_TOTP = `mutation($password: String) { beginTotpEnrollment(password: $password) { secret otpauthUri qrCodeSvg } }`;
export const CONFIRM_TOTP = `mutation($code: String!) { confirmTotpEnrollment(code: $code) }`;
export const DISABLE_TOTP = `mutation($password: String, $code: String!) { disableTotp(password: $password, code: $code) }`;
export const REGENERATE_CODES = `mutation($password: String, $code: String!) { regenerateRecoveryCodes(password: $password, code: $code) }`;
export const VERIFY_SECOND_FACTOR = `mutation($challengeToken: String!, $code: String, $recoveryCode: String) {
  verifySecondFactor(challengeToken: $challengeToken, code: $code, recoveryCode: $recoveryCode) { ${SF_AUTH_FIELDS} }
}`;
export const MY_FACTORS = `{ me { secondFactors { totp recoveryCodesLeft passkeys { id name } } } }`;
export const RESET_FACTORS = `mutation($userId: ID!) { resetSecondFactors(userId: $userId) }`;

/** An authenticator app: the code of the next unused time step (now, then now + 1: the server's drift allowance). */
export class Authenticator {
  private last = -1;
  private readonly key: Buffer;

  constructor(readonly secret: string) {
    const key = base32Decode(secret);
    if (!key) throw new Error('not base32');
    this.key = key;
  }

  next(): string {
    const now = totpStep(Date.now());
    const step = Math.max(this.last + 1, now);
    if (step > now + 1) throw new Error('the test used up this time step: enroll another user');
    this.last = step;
    return hotp(this.key, step);
  }

  /** A code the server has already accepted (the last one shown). */
  replay(): string {
    return hotp(this.key, this.last);
  }
}

export type Registered = Awaited<ReturnType<typeof registerUser>>;

export interface Enrolled {
  app: Authenticator;
  recoveryCodes: string[];
}

/** `password`: null for an account without one (it confirms with its recent sign-in). */
export async function enrollTotp(server: TestServer, user: { token: string; password: string | null }): Promise<Enrolled> {
  const begun = await server.gql(BEGIN_TOTP, { password: user.password }, { token: user.token });
  if (begun.errors) throw new Error(`beginTotpEnrollment: ${JSON.stringify(begun.errors)}`);
  const app = new Authenticator(begun.data.beginTotpEnrollment.secret);
  const confirmed = await server.gql(CONFIRM_TOTP, { code: app.next() }, { token: user.token });
  if (confirmed.errors) throw new Error(`confirmTotpEnrollment: ${JSON.stringify(confirmed.errors)}`);
  return { app, recoveryCodes: confirmed.data.confirmTotpEnrollment };
}

/** A password sign-in that must stop at the second factor; its extensions. */
export async function challengeFor(server: TestServer, user: Registered): Promise<{ challengeToken: string; methods: string[]; expiresAt: number }> {
  const res = await server.gql(LOGIN, { username: user.user.username, password: user.password });
  const ext = res.errors?.[0]?.extensions;
  if (ext?.code !== 'SECOND_FACTOR_REQUIRED') throw new Error(`expected SECOND_FACTOR_REQUIRED, got ${JSON.stringify(res.errors ?? res.data)}`);
  if (res.data) throw new Error('a sign-in stopped at the second factor must return no data');
  return ext as never;
}
