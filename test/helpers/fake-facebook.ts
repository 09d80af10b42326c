// A fake Facebook Graph API for tests: /debug_token (which insists on our
// app's own token, `id|secret`) and /me (which insists on appsecret_proof),
// over a table of tokens, in the shapes Facebook documents.
import { createHmac } from 'node:crypto';
import { FakeProvider, type FakeReply, type RecordedCall } from './fake-http';

export const FACEBOOK_APP = { id: '100200300', secret: 'fb-app-secret-for-tests' };
export const OTHER_FACEBOOK_APP_ID = '999888777';

export interface FacebookUser {
  id: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

export interface FacebookToken {
  user: FacebookUser;
  appId?: string;
  /** False: expired or revoked. */
  valid?: boolean;
  /** What /me answers as `id` (a mismatch, or a wrong type). */
  meId?: unknown;
}

const oauthError = (message: string, code = 190) => ({ status: 400, body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbC' } } });

export class FakeFacebook extends FakeProvider {
  readonly tokens = new Map<string, FacebookToken>();

  add(token: string, entry: FacebookToken): string {
    this.tokens.set(token, entry);
    return token;
  }

  protected override normalisePath(path: string): string {
    return path.replace(/^\/v\d+\.\d+/, '');
  }

  protected route(call: RecordedCall): FakeReply {
    const { query } = call;
    if (call.path === '/debug_token') {
      if (query.access_token !== `${FACEBOOK_APP.id}|${FACEBOOK_APP.secret}`) return oauthError('Invalid OAuth access token signature.');
      const entry = this.tokens.get(query.input_token ?? '');
      if (!entry) return { status: 200, body: { data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] } } };
      const appId = entry.appId ?? FACEBOOK_APP.id;
      return {
        status: 200,
        body: {
          data: {
            app_id: appId,
            type: 'USER',
            application: 'Test app',
            expires_at: 1893456000,
            is_valid: entry.valid ?? true,
            scopes: ['email', 'public_profile'],
            user_id: entry.user.id,
          },
        },
      };
    }
    if (call.path === '/me') {
      const entry = this.tokens.get(query.access_token ?? '');
      if (!entry || entry.valid === false) return oauthError('Error validating access token: Session has expired.');
      const secret = (entry.appId ?? FACEBOOK_APP.id) === FACEBOOK_APP.id ? FACEBOOK_APP.secret : 'another-apps-secret';
      const proof = createHmac('sha256', secret).update(query.access_token).digest('hex');
      if (query.appsecret_proof !== proof) return oauthError('Invalid appsecret_proof provided in the API argument', 100);
      const { user } = entry;
      return {
        status: 200,
        body: {
          id: 'meId' in entry ? entry.meId : user.id,
          name: user.name,
          email: user.email,
          first_name: user.firstName,
          last_name: user.lastName,
          picture: { data: { height: 50, is_silhouette: false, url: `https://platform-lookaside.example/${user.id}.jpg`, width: 50 } },
        },
      };
    }
    return oauthError('Unknown path components', 2500);
  }
}
