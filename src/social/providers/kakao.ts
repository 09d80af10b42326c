// Kakao takes either token the SDK gives the app.
// - Access token: GET /v1/user/access_token_info must report our app (app_id
//   equals the SocialApp's key, Kakao's numeric App ID) before /v2/user/me is
//   trusted, and both must name the same user. The email counts as verified
//   only when Kakao says it is both valid and verified.
// - OpenID Connect ID token: checked by IdTokenVerifier against Kakao's keys;
//   `aud` is the app key the SDK used (native, JavaScript or REST API key).
//   Its `sub` is the same user number /v2/user/me answers as `id`, so both
//   ways reach the same account.
// Many Kakao accounts share no email.
import type { ProviderDescriptor } from './descriptor';
import type { ProviderHttp } from './http';
import { IdTokenVerifier, idTokenProfile } from './id-token';
import type { JwksCache } from './jwks';
import {
  asId,
  asRecord,
  asString,
  type IdentityProvider,
  malformed,
  type ProviderApp,
  ProviderFailure,
  type SocialCredential,
  type SocialProfile,
} from './provider';
import { SocialProvider } from './provider-id';
import type { ReplayStore } from './replay-store';

const TOKEN_INFO_PATH = '/v1/user/access_token_info';
const USER_PATH = '/v2/user/me';
const ISSUER = 'https://kauth.kakao.com';

export class KakaoProvider implements IdentityProvider {
  private readonly idTokens: IdTokenVerifier;

  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
    keys: JwksCache,
    replay: ReplayStore,
  ) {
    this.idTokens = new IdTokenVerifier(keys, replay, { what: 'kakao', issuers: [ISSUER], nonce: 'plain' });
  }

  async verify(credential: SocialCredential, app: ProviderApp): Promise<SocialProfile> {
    if (credential.kind === 'idToken') {
      const token = await this.idTokens.verify(credential, app);
      // The user number, written like /v2/user/me writes it, so both ways find one SocialAccount.
      const uid = asId(token.subject);
      if (!uid) throw malformed('kakao id token sub');
      return idTokenProfile({ ...token, subject: uid }, asString(token.claims.nickname), asString(token.claims.picture));
    }
    const accessToken = credential.token;
    const appKey = app.key?.trim();
    if (!appKey) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', 'kakao: the SocialApp has no key (the numeric App ID)');
    const opts = { signal: this.http.deadline(), headers: { authorization: `Bearer ${accessToken}` } };

    const info = asRecord(await this.http.getJson('kakao token info', this.baseUrl + TOKEN_INFO_PATH, opts));
    const appId = asId(info?.app_id);
    const tokenUid = asId(info?.id);
    if (!appId || !tokenUid) throw malformed('kakao token info');
    if (appId !== appKey) throw new ProviderFailure('WRONG_APP', `kakao: token issued to app ${appId}`);

    const me = asRecord(await this.http.getJson('kakao user', this.baseUrl + USER_PATH, opts));
    const uid = asId(me?.id);
    if (!me || !uid) throw malformed('kakao user');
    if (uid !== tokenUid) throw new ProviderFailure('TOKEN_REJECTED', 'kakao: /v2/user/me names another user than the token info');

    const account = asRecord(me.kakao_account) ?? {};
    const profile = asRecord(account.profile) ?? {};
    const properties = asRecord(me.properties) ?? {};
    const email = asString(account.email);
    return {
      uid,
      email,
      emailVerified: email !== null && account.is_email_valid === true && account.is_email_verified === true,
      name: asString(profile.nickname) ?? asString(properties.nickname),
      avatar: asString(profile.profile_image_url) ?? asString(properties.profile_image),
      extra: me,
    };
  }
}

export const kakao: ProviderDescriptor = {
  id: SocialProvider.KAKAO,
  displayName: 'Kakao',
  accepts: ['accessToken', 'idToken'],
  endpoints: {
    api: { env: 'KAKAO_API_URL', default: 'https://kapi.kakao.com', description: 'Kakao API base URL (tests point it at a loopback fake).' },
    jwks: { env: 'KAKAO_JWKS_URL', default: 'https://kauth.kakao.com/.well-known/jwks.json', description: "Kakao's OpenID Connect keys." },
  },
  app: {
    description: 'clientId = REST API key, key = numeric App ID, extraClientIds = native app and JavaScript keys.',
    check(app) {
      // access_token_info reports the numeric App ID a token was issued to.
      if (!/^\d+$/.test(app.key ?? ''))
        return { field: 'key', message: "Kakao needs the app's numeric App ID as key (Kakao Developers → My Application → App Settings → Summary)." };
      return null;
    },
  },
  create: ({ http, endpoint, keys, replay }) => new KakaoProvider(http, endpoint('api'), keys(), replay),
};
