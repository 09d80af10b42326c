// LINE Login v2.1 takes either token the LINE SDK gives the app.
// - Access token: GET /oauth2/v2.1/verify must name our channel (client_id
//   equals the SocialApp's clientId, the channel ID) and a live token
//   (expires_in > 0) before GET /v2/profile is trusted. No email: LINE gives
//   it only in the ID token.
// - ID token: POST /oauth2/v2.1/verify with our channel ID (LINE checks the
//   signature, and refuses another channel's token), then the answer is held
//   to the same rules as any ID token here: LINE's issuer, our channel as the
//   only audience, not expired, the nonce, used once. The email is there only
//   with the `email` scope and counts as verified only if LINE says so (it
//   sends no email_verified today, so it is stored unverified).
// LINE's user id (`U` + 32 hex) is per provider (the channel's company), so
// the access token's `userId` and the ID token's `sub` are the same id.
import jwt from 'jsonwebtoken';
import type { ProviderDescriptor } from './descriptor';
import type { ProviderHttp } from './http';
import { checkAudience, checkNonce, claimOnce, idTokenProfile } from './id-token';
import {
  asRecord,
  asString,
  asSubject,
  type IdentityProvider,
  malformed,
  type ProviderApp,
  ProviderFailure,
  type SocialCredential,
  type SocialProfile,
} from './provider';
import { SocialProvider } from './provider-id';
import type { ReplayStore } from './replay-store';

const VERIFY_PATH = '/oauth2/v2.1/verify';
const PROFILE_PATH = '/v2/profile';
const ISSUER = 'https://access.line.me';
const RULES = { what: 'line', nonce: 'plain' } as const;

const rejected = (detail: string) => new ProviderFailure('TOKEN_REJECTED', detail);

export class LineProvider implements IdentityProvider {
  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
    private readonly replay: ReplayStore,
  ) {}

  verify(credential: SocialCredential, app: ProviderApp): Promise<SocialProfile> {
    return credential.kind === 'idToken' ? this.idToken(credential.token, credential.nonce, app) : this.accessToken(credential.token, app);
  }

  private async accessToken(token: string, app: ProviderApp): Promise<SocialProfile> {
    const signal = this.http.deadline();
    const info = asRecord(await this.http.getJson('line verify', this.baseUrl + VERIFY_PATH, { signal, params: { access_token: token } }));
    const channel = asString(info?.client_id);
    if (!info || !channel || typeof info.expires_in !== 'number') throw malformed('line verify');
    if (channel !== app.clientId) throw new ProviderFailure('WRONG_APP', `line: token issued to channel ${channel.slice(0, 20)}`);
    if (!(info.expires_in > 0)) throw rejected('line: the access token has expired');

    const me = asRecord(await this.http.getJson('line profile', this.baseUrl + PROFILE_PATH, { signal, headers: { authorization: `Bearer ${token}` } }));
    const uid = asSubject(me?.userId);
    if (!me || !uid) throw malformed('line profile');
    return { uid, email: null, emailVerified: false, name: asString(me.displayName), avatar: asString(me.pictureUrl), extra: me };
  }

  private async idToken(token: string, nonce: string | null, app: ProviderApp): Promise<SocialProfile> {
    const form: Record<string, string> = { id_token: token, client_id: app.clientId };
    if (nonce !== null) form.nonce = nonce;
    // LINE answers another channel's token with a 400 like any bad token; its (unverified) aud says which it is, and is only ever used to refuse.
    const unverified = asRecord(jwt.decode(token, { json: true }));
    if (unverified?.aud !== undefined) checkAudience('line', unverified, [app.clientId]);
    const answer = await this.http.postForm('line verify id token', this.baseUrl + VERIFY_PATH, { signal: this.http.deadline(), form });
    const claims = asRecord(answer);
    if (!claims || typeof claims.exp !== 'number') throw malformed('line verify id token');
    // LINE checked these; checked again so that what we trust does not rest on one reading of its answer.
    if (claims.iss !== ISSUER) throw rejected('line: the ID token has another issuer');
    checkAudience('line', claims, [app.clientId]);
    if (claims.exp * 1000 <= Date.now()) throw rejected('line: the ID token has expired');
    const subject = asSubject(claims.sub);
    if (!subject) throw malformed('line verify id token');
    checkNonce(RULES, claims, nonce);
    await claimOnce(this.replay, 'line', token, claims.exp);
    return idTokenProfile({ subject, claims }, asString(claims.name), asString(claims.picture));
  }
}

export const line: ProviderDescriptor = {
  id: SocialProvider.LINE,
  displayName: 'LINE',
  accepts: ['accessToken', 'idToken'],
  endpoints: { api: { env: 'LINE_API_URL', default: 'https://api.line.me', description: 'LINE Login API base URL (token verification and profile).' } },
  app: {
    description: 'clientId = LINE Login channel ID.',
    check(app) {
      // verify answers the numeric channel ID a token was issued to.
      if (!/^\d+$/.test(app.clientId)) return { field: 'clientId', message: 'LINE needs the numeric channel ID of the LINE Login channel as client id.' };
      return null;
    },
  },
  create: ({ http, endpoint, replay }) => new LineProvider(http, endpoint('api'), replay),
};
