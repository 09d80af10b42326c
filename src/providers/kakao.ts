// Kakao: GET /v1/user/access_token_info must report our app (app_id equals
// the SocialApp's key, Kakao's numeric App ID) before /v2/user/me is trusted,
// and both must name the same user. Many Kakao accounts share no email; the
// email counts as verified only when Kakao says it is both valid and verified.
import { SocialProvider } from '../entities/social-provider';
import type { ProviderHttp } from './http';
import { ProviderFailure, asId, asRecord, asString, malformed, type IdentityProvider, type ProviderApp, type SocialProfile } from './provider';

const TOKEN_INFO_PATH = '/v1/user/access_token_info';
const USER_PATH = '/v2/user/me';

export class KakaoProvider implements IdentityProvider {
  readonly id = SocialProvider.KAKAO;

  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
  ) {}

  async verify(accessToken: string, app: ProviderApp): Promise<SocialProfile> {
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
