// Naver: GET /v1/nid/me with the access token as a Bearer header. Naver
// documents no way to ask which app a token was issued to (see README,
// "Naver"), so the app check the other providers make cannot be made here.
// What limits the damage is documented: Naver's `id` is different for every
// application, so a token issued to another app names an id that no account
// linked through our app has; and Naver's email counts as unverified, so it
// never links to an existing account by email.
import { noAppRules, type ProviderDescriptor } from './descriptor';
import type { ProviderHttp } from './http';
import { asRecord, asString, asSubject, type IdentityProvider, malformed, ProviderFailure, type SocialCredential, type SocialProfile } from './provider';
import { SocialProvider } from './provider-id';

const USER_PATH = '/v1/nid/me';
const SUCCESS = '00';

export class NaverProvider implements IdentityProvider {
  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
  ) {}

  async verify({ token }: SocialCredential): Promise<SocialProfile> {
    const opts = { signal: this.http.deadline(), headers: { authorization: `Bearer ${token}` } };
    const body = asRecord(await this.http.getJson('naver me', this.baseUrl + USER_PATH, opts));
    if (body?.resultcode !== SUCCESS) {
      if (typeof body?.resultcode === 'string') throw new ProviderFailure('TOKEN_REJECTED', `naver me: resultcode ${body.resultcode.slice(0, 8)}`);
      throw malformed('naver me');
    }
    const me = asRecord(body.response);
    const uid = asSubject(me?.id);
    if (!me || !uid) throw malformed('naver me');
    return {
      uid,
      email: asString(me.email),
      emailVerified: false,
      // The nickname, not the legal name: usernames are visible to every signed-in user.
      name: asString(me.nickname),
      avatar: asString(me.profile_image),
      extra: me,
    };
  }
}

export const naver: ProviderDescriptor = {
  id: SocialProvider.NAVER,
  displayName: 'Naver',
  accepts: ['accessToken'],
  endpoints: { api: { env: 'NAVER_API_URL', default: 'https://openapi.naver.com', description: 'Naver Open API base URL.' } },
  app: { description: 'clientId = Client ID.', check: noAppRules },
  create: ({ http, endpoint }) => new NaverProvider(http, endpoint('api')),
};
