// Sign in with Apple's REST API, the two calls authql makes: POST /auth/token
// (an authorization code from ASAuthorizationAppleIDCredential for a refresh
// token) and POST /auth/revoke (that refresh token, when the account is
// deleted or unlinked). Both authenticate with a client_secret that authql
// signs itself: an ES256 JWT with the app's .p8 key, `kid` = Key ID, `iss` =
// Team ID, `sub` = the client ID the code was issued to, `aud` Apple's fixed
// audience, and a lifetime of at most six months (Apple's limit), cached and
// signed again before it runs out.
import { createHash, createPrivateKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ProviderHttp } from './http';
import { asRecord, asString, asSubject, malformed, ProviderFailure } from './provider';

/** The client_secret's audience, whatever APPLE_API_URL says: Apple checks it. */
export const APPLE_AUDIENCE = 'https://appleid.apple.com';
/** Apple refuses a client_secret whose exp is more than 15777000 s (six months) after iat. */
export const MAX_CLIENT_SECRET_LIFETIME = 15_777_000;
const TOKEN_PATH = '/auth/token';
const REVOKE_PATH = '/auth/revoke';

/** What the SocialApp holds for the REST API, the key already unsealed. */
export interface AppleCredentials {
  teamId: string;
  keyId: string;
  privateKey: string;
}

export interface ExchangedCode {
  refreshToken: string;
  /** The `sub` of the ID token that came with it: the user the code belongs to. */
  subject: string;
}

interface Signed {
  jwt: string;
  renewAt: number;
}

export class AppleRest {
  private readonly secrets = new Map<string, Signed>();

  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
    /** Seconds a client_secret is valid (at most MAX_CLIENT_SECRET_LIFETIME). */
    private readonly lifetime: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The client_secret for `clientId`; a cached one until a tenth of its lifetime is left. */
  clientSecret(creds: AppleCredentials, clientId: string): string {
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([creds.teamId, creds.keyId, creds.privateKey, clientId]))
      .digest('hex');
    const cached = this.secrets.get(cacheKey);
    if (cached && cached.renewAt > this.now()) return cached.jwt;
    const iat = Math.floor(this.now() / 1000);
    const lifetime = Math.min(this.lifetime, MAX_CLIENT_SECRET_LIFETIME);
    const secret = jwt.sign({ iss: creds.teamId, iat, exp: iat + lifetime, aud: APPLE_AUDIENCE, sub: clientId }, createPrivateKey(creds.privateKey), {
      algorithm: 'ES256',
      keyid: creds.keyId,
    });
    this.secrets.set(cacheKey, { jwt: secret, renewAt: (iat + lifetime * 0.9) * 1000 });
    return secret;
  }

  /** The refresh token for an authorization code; TOKEN_REJECTED for a used or foreign code, PROVIDER_NOT_CONFIGURED when Apple refuses our client_secret. */
  async exchangeCode(creds: AppleCredentials, clientId: string, code: string): Promise<ExchangedCode> {
    const form = { client_id: clientId, client_secret: this.clientSecret(creds, clientId), code, grant_type: 'authorization_code' };
    const body = asRecord(await this.post('apple token', TOKEN_PATH, form));
    const refreshToken = asString(body?.refresh_token);
    // Straight from Apple over TLS (OIDC Core 3.1.3.7): its claims need no signature check here.
    const claims = asRecord(typeof body?.id_token === 'string' ? jwt.decode(body.id_token, { json: true }) : null);
    const subject = asSubject(claims?.sub);
    if (!refreshToken || !subject) throw malformed('apple token');
    if (claims?.aud !== clientId) throw new ProviderFailure('WRONG_APP', 'apple token: the ID token is for another client');
    return { refreshToken, subject };
  }

  /** Apple answers 200 for a token it revoked and for one it no longer knows. */
  async revoke(creds: AppleCredentials, clientId: string, token: string): Promise<void> {
    const form = { client_id: clientId, client_secret: this.clientSecret(creds, clientId), token, token_type_hint: 'refresh_token' };
    await this.post('apple revoke', REVOKE_PATH, form);
  }

  private async post(what: string, path: string, form: Record<string, string>): Promise<unknown> {
    try {
      return await this.http.postForm(what, this.baseUrl + path, { signal: this.http.deadline(), form });
    } catch (err) {
      // invalid_client: Apple refused the client_secret (Team ID, Key ID, key or client ID), not the user's code.
      if (err instanceof ProviderFailure && err.detail.includes('invalid_client')) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', err.detail);
      throw err;
    }
  }
}
