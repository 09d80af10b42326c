// A fake Kakao API (kapi.kakao.com) for tests: access_token_info and
// /v2/user/me over a table of tokens, in the shapes Kakao documents.
import { FakeProvider, type FakeReply, type RecordedCall } from './fake-http';

export const KAKAO_APP_ID = 1234567;
export const OTHER_KAKAO_APP_ID = 7654321;

export interface KakaoUser {
  id: number;
  nickname?: string;
  image?: string;
  email?: string;
  emailValid?: boolean;
  emailVerified?: boolean;
  /** Put nickname and image only under the legacy `properties`, not kakao_account.profile. */
  legacyProperties?: boolean;
}

export interface KakaoToken {
  user: KakaoUser;
  appId?: number;
  expired?: boolean;
  /** What /v2/user/me answers as `id` (a mismatch, or a wrong type). */
  meId?: unknown;
  /** What access_token_info answers as `id`. */
  infoId?: unknown;
}

export class FakeKakao extends FakeProvider {
  readonly tokens = new Map<string, KakaoToken>();

  add(token: string, entry: KakaoToken): string {
    this.tokens.set(token, entry);
    return token;
  }

  protected route(call: RecordedCall): FakeReply {
    const auth = /^Bearer (\S+)$/.exec(String(call.headers.authorization ?? ''));
    const entry = auth ? this.tokens.get(auth[1]) : undefined;
    if (!entry) return { status: 401, body: { msg: 'this access token does not exist', code: -401 } };
    if (entry.expired) return { status: 401, body: { msg: 'this access token is already expired', code: -401 } };
    const { user } = entry;
    if (call.path === '/v1/user/access_token_info') {
      return { status: 200, body: { id: 'infoId' in entry ? entry.infoId : user.id, expires_in: 7199, app_id: entry.appId ?? KAKAO_APP_ID } };
    }
    if (call.path === '/v2/user/me') {
      const profile = { nickname: user.nickname, profile_image_url: user.image, thumbnail_image_url: user.image, is_default_image: !user.image };
      return {
        status: 200,
        body: {
          id: 'meId' in entry ? entry.meId : user.id,
          connected_at: '2024-01-01T00:00:00Z',
          properties: { nickname: user.nickname, profile_image: user.image },
          kakao_account: {
            profile_needs_agreement: false,
            ...(user.legacyProperties ? {} : { profile }),
            has_email: user.email !== undefined,
            ...(user.email !== undefined
              ? { email_needs_agreement: false, is_email_valid: user.emailValid ?? true, is_email_verified: user.emailVerified ?? true, email: user.email }
              : {}),
          },
        },
      };
    }
    return { status: 404, body: { msg: 'not found', code: -2 } };
  }
}
