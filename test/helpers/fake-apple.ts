// A fake Sign in with Apple REST API (appleid.apple.com) for tests: POST
// /auth/token and POST /auth/revoke, each checking the client_secret as Apple
// does (ES256 signature with the app's public key, kid = Key ID, iss = Team
// ID, sub = the client_id sent, aud https://appleid.apple.com, not expired,
// at most six months), and every check's result recorded. Authorization codes
// are single-use; the ID token that comes back is signed by the fake Apple
// key server. `failRevokes` makes the next revocations answer 500.
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { FakeProvider, type FakeReply, type RecordedCall } from './fake-http';
import type { FakeJwks } from './fake-jwks';

export const APPLE_TEAM_ID = 'TEAM123456';
export const APPLE_KEY_ID = 'KEY1234567';

export interface AppleCode {
  sub: string;
  clientId: string;
}

export interface SecretCheck {
  ok: boolean;
  why?: string;
  header?: jwt.JwtHeader;
  claims?: jwt.JwtPayload;
}

const oauthError = (error: string): FakeReply => ({ status: 400, body: { error } });

export class FakeAppleApi extends FakeProvider {
  readonly privateKeyPem: string;
  private readonly publicKey: KeyObject;
  readonly codes = new Map<string, AppleCode>();
  /** Refresh tokens issued, by token: who and for which client. */
  readonly issued = new Map<string, AppleCode>();
  readonly revoked: string[] = [];
  readonly secretChecks: SecretCheck[] = [];
  failRevokes = 0;

  constructor(private readonly keys: FakeJwks) {
    super();
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKeyPem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    this.publicKey = pair.publicKey;
  }

  newCode(entry: AppleCode): string {
    const code = `c${randomBytes(16).toString('hex')}.0.abcd.${randomBytes(8).toString('hex')}`;
    this.codes.set(code, entry);
    return code;
  }

  override reset(): void {
    super.reset();
    this.failRevokes = 0;
    this.secretChecks.length = 0;
  }

  protected route(call: RecordedCall): FakeReply {
    if (call.method !== 'POST') return { status: 405, body: {} };
    if (call.path !== '/auth/token' && call.path !== '/auth/revoke') return { status: 404, body: {} };
    const check = this.checkSecret(call.form.client_secret, call.form.client_id);
    this.secretChecks.push(check);
    if (!check.ok) return oauthError('invalid_client');
    return call.path === '/auth/token' ? this.token(call.form) : this.revoke(call.form);
  }

  private token(form: Record<string, string>): FakeReply {
    if (form.grant_type !== 'authorization_code') return oauthError('unsupported_grant_type');
    const entry = this.codes.get(form.code ?? '');
    if (!entry || entry.clientId !== form.client_id) return oauthError('invalid_grant');
    this.codes.delete(form.code);
    const refresh = `r${randomBytes(16).toString('hex')}.0.abcd.${randomBytes(8).toString('hex')}`;
    this.issued.set(refresh, entry);
    const idToken = this.keys.sign({ aud: entry.clientId, sub: entry.sub, at_hash: 'x', auth_time: Math.floor(Date.now() / 1000) });
    return {
      status: 200,
      body: { access_token: `a${randomBytes(8).toString('hex')}`, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, id_token: idToken },
    };
  }

  private revoke(form: Record<string, string>): FakeReply {
    if (this.failRevokes > 0) {
      this.failRevokes -= 1;
      return { status: 500, body: { error: 'server_error' } };
    }
    if (form.token_type_hint !== 'refresh_token' || !form.token) return oauthError('invalid_request');
    const entry = this.issued.get(form.token);
    if (entry && entry.clientId !== form.client_id) return oauthError('invalid_client');
    this.revoked.push(form.token);
    this.issued.delete(form.token);
    // Apple answers 200 with an empty body.
    return { status: 200, body: undefined };
  }

  private checkSecret(secret: string | undefined, clientId: string | undefined): SecretCheck {
    if (!secret || !clientId) return { ok: false, why: 'missing' };
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(secret, this.publicKey, { algorithms: ['ES256'], audience: 'https://appleid.apple.com', issuer: APPLE_TEAM_ID, complete: true });
    } catch (err) {
      return { ok: false, why: (err as Error).message };
    }
    const claims = decoded.payload as jwt.JwtPayload;
    const result = { header: decoded.header, claims };
    if (decoded.header.kid !== APPLE_KEY_ID) return { ok: false, why: 'kid', ...result };
    if (claims.sub !== clientId) return { ok: false, why: 'sub', ...result };
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp - claims.iat > 15_777_000)
      return { ok: false, why: 'lifetime', ...result };
    return { ok: true, ...result };
  }
}
