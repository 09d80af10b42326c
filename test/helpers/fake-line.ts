// A fake LINE Login API (api.line.me) for tests: GET /oauth2/v2.1/verify
// (access tokens), POST /oauth2/v2.1/verify (ID tokens) and GET /v2/profile,
// over tables of tokens, with LINE's documented answers and errors. An ID
// token is JWT-shaped; the fake keeps its claims and checks channel, expiry
// and nonce as LINE does, unless told to be `lax` (to show our own checks
// of the answer hold even if LINE's did not).
import { randomBytes } from 'node:crypto';
import { FakeProvider, type FakeReply, type RecordedCall } from './fake-http';

export const LINE_CHANNEL_ID = '1654321987';
export const OTHER_LINE_CHANNEL_ID = '1999999999';
export const LINE_ISSUER = 'https://access.line.me';

export interface LineUser {
  /** `U` and 32 hex digits. */
  userId: string;
  displayName?: string;
  pictureUrl?: string;
}

export interface LineAccessToken {
  user: LineUser;
  channelId?: string;
  expiresIn?: number;
  /** What /v2/profile answers as userId (a wrong type, or missing). */
  profileId?: unknown;
}

export interface LineIdToken {
  claims: Record<string, unknown>;
  /** Answer the claims whatever the request says. */
  lax?: boolean;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const invalid = (description: string): FakeReply => ({ status: 400, body: { error: 'invalid_request', error_description: description } });

export class FakeLine extends FakeProvider {
  readonly accessTokens = new Map<string, LineAccessToken>();
  readonly idTokens = new Map<string, LineIdToken>();

  addAccessToken(token: string, entry: LineAccessToken): string {
    this.accessTokens.set(token, entry);
    return token;
  }

  /** An ID token for `claims` on top of LINE's defaults (iss, our channel as aud, iat, exp in an hour). */
  issueIdToken(claims: Record<string, unknown>, opts: { lax?: boolean } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const full = Object.fromEntries(
      Object.entries({ iss: LINE_ISSUER, aud: LINE_CHANNEL_ID, iat: now, exp: now + 3600, amr: ['linesso'], ...claims }).filter(([, v]) => v !== undefined),
    );
    const token = `${b64({ typ: 'JWT', alg: 'ES256', kid: 'fake' })}.${b64(full)}.${randomBytes(32).toString('base64url')}`;
    this.idTokens.set(token, { claims: full, lax: opts.lax });
    return token;
  }

  protected route(call: RecordedCall): FakeReply {
    if (call.path === '/oauth2/v2.1/verify' && call.method === 'GET') return this.verifyAccessToken(call.query.access_token);
    if (call.path === '/oauth2/v2.1/verify' && call.method === 'POST') return this.verifyIdToken(call.form);
    if (call.path === '/v2/profile') return this.profile(call);
    return { status: 404, body: { message: 'Not found' } };
  }

  private verifyAccessToken(token: string | undefined): FakeReply {
    const entry = token ? this.accessTokens.get(token) : undefined;
    if (!entry) return invalid('access token expired');
    return { status: 200, body: { scope: 'profile openid', client_id: entry.channelId ?? LINE_CHANNEL_ID, expires_in: entry.expiresIn ?? 2591659 } };
  }

  private verifyIdToken(form: Record<string, string>): FakeReply {
    const entry = this.idTokens.get(form.id_token ?? '');
    if (!entry || !form.client_id) return invalid('Invalid IdToken.');
    const { claims } = entry;
    if (!entry.lax) {
      if (claims.aud !== form.client_id) return invalid('Invalid IdToken Audience.');
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return invalid('IdToken expired.');
      if (form.nonce !== undefined && claims.nonce !== form.nonce) return invalid('Invalid IdToken Nonce.');
    }
    return { status: 200, body: claims };
  }

  private profile(call: RecordedCall): FakeReply {
    const auth = /^Bearer (\S+)$/.exec(String(call.headers.authorization ?? ''));
    const entry = auth ? this.accessTokens.get(auth[1]) : undefined;
    if (!entry) return { status: 401, body: { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' } };
    const { user } = entry;
    return {
      status: 200,
      body: { userId: 'profileId' in entry ? entry.profileId : user.userId, displayName: user.displayName, pictureUrl: user.pictureUrl, statusMessage: 'hi' },
    };
  }
}
