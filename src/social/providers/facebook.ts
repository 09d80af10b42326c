// Facebook: GET /debug_token (asked with our app's own token, clientId|secret)
// must say the user token is valid and was issued to our App ID; /me is then
// called with appsecret_proof (proof that the caller holds our app secret,
// which apps can make Facebook require) and must name the same user.
// Facebook emails count as unverified.
import { createHmac } from 'node:crypto';
import type { ProviderDescriptor } from './descriptor';
import type { ProviderHttp } from './http';
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

const DEBUG_TOKEN_PATH = '/debug_token';
const USER_PATH = '/me';
const USER_FIELDS = 'id,name,email,first_name,last_name,picture';

export const appsecretProof = (secret: string, accessToken: string): string => createHmac('sha256', secret).update(accessToken).digest('hex');

export class FacebookProvider implements IdentityProvider {
  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
  ) {}

  async verify({ token: accessToken }: SocialCredential, app: ProviderApp): Promise<SocialProfile> {
    const { clientId, secret } = app;
    if (!secret) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', 'facebook: the SocialApp has no secret');
    const signal = this.http.deadline();

    const debug = await this.http
      .getJson('facebook debug_token', this.baseUrl + DEBUG_TOKEN_PATH, {
        signal,
        params: { input_token: accessToken, access_token: `${clientId}|${secret}` },
      })
      .catch((err: unknown) => {
        // A bad user token is a 200 with is_valid false; a 4xx means our own app token (id|secret) was refused.
        if (err instanceof ProviderFailure && err.reason === 'TOKEN_REJECTED')
          throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', `${err.detail}: check the App ID and secret`);
        throw err;
      });
    const data = asRecord(asRecord(debug)?.data);
    if (!data) throw malformed('facebook debug_token');
    const appId = asId(data.app_id);
    if (appId !== null && appId !== clientId) throw new ProviderFailure('WRONG_APP', `facebook: token issued to app ${appId}`);
    if (data.is_valid !== true) throw new ProviderFailure('TOKEN_REJECTED', 'facebook: debug_token says the token is not valid');
    const tokenUid = asId(data.user_id);
    if (!appId || !tokenUid) throw malformed('facebook debug_token');

    const me = asRecord(
      await this.http.getJson('facebook me', this.baseUrl + USER_PATH, {
        signal,
        params: { fields: USER_FIELDS, access_token: accessToken, appsecret_proof: appsecretProof(secret, accessToken) },
      }),
    );
    const uid = asId(me?.id);
    if (!me || !uid) throw malformed('facebook me');
    if (uid !== tokenUid) throw new ProviderFailure('TOKEN_REJECTED', 'facebook: /me names another user than debug_token');

    const fullName = [asString(me.first_name), asString(me.last_name)].filter(Boolean).join(' ');
    return {
      uid,
      email: asString(me.email),
      emailVerified: false,
      name: asString(me.name) ?? (fullName || null),
      avatar: asString(asRecord(asRecord(me.picture)?.data)?.url),
      extra: me,
    };
  }
}

export const facebook: ProviderDescriptor = {
  id: SocialProvider.FACEBOOK,
  displayName: 'Facebook',
  accepts: ['accessToken'],
  endpoints: { graph: { env: 'FACEBOOK_GRAPH_URL', default: 'https://graph.facebook.com/v19.0', description: 'Graph API base URL, including the version.' } },
  app: {
    description: 'clientId = App ID, secret = App Secret.',
    check(app) {
      // debug_token reports the numeric App ID, and is asked with our own app token (id|secret).
      if (!/^\d+$/.test(app.clientId)) return { field: 'clientId', message: 'Facebook needs the numeric App ID as client id.' };
      if (!app.secret) return { field: 'secret', message: 'Facebook needs the App Secret.' };
      return null;
    },
  },
  create: ({ http, endpoint }) => new FacebookProvider(http, endpoint('graph')),
};
