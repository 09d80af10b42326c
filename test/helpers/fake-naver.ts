// A fake Naver Open API (openapi.naver.com) for tests: /v1/nid/me over a
// table of tokens, in the shape Naver documents. Naver's `id` differs per
// application, which the fake models: a token issued to another app answers
// another id for the same person.
import { FakeProvider, type FakeReply, type RecordedCall } from './fake-http';

export interface NaverUser {
  /** The id our app sees. */
  id: string;
  nickname?: string;
  name?: string;
  email?: string;
  image?: string;
}

export interface NaverToken {
  user: NaverUser;
  /** Issued to another Naver app: /v1/nid/me answers that app's id for the user. */
  otherApp?: boolean;
  expired?: boolean;
  /** What the answer says as resultcode, or `id` (a wrong type). */
  resultcode?: unknown;
  meId?: unknown;
}

const failure = (status: number, resultcode: string, message: string): FakeReply => ({ status, body: { resultcode, message } });

export class FakeNaver extends FakeProvider {
  readonly tokens = new Map<string, NaverToken>();

  add(token: string, entry: NaverToken): string {
    this.tokens.set(token, entry);
    return token;
  }

  protected route(call: RecordedCall): FakeReply {
    if (call.path !== '/v1/nid/me') return failure(404, '404', 'Not Found');
    const auth = /^Bearer (\S+)$/.exec(String(call.headers.authorization ?? ''));
    if (!auth) return failure(401, '028', 'Authentication header not exists');
    const entry = this.tokens.get(auth[1]);
    if (!entry || entry.expired) return failure(401, '024', 'Authentication failed');
    const { user } = entry;
    const id = 'meId' in entry ? entry.meId : entry.otherApp ? `other-app-${user.id}` : user.id;
    return {
      status: 200,
      body: {
        resultcode: 'resultcode' in entry ? entry.resultcode : '00',
        message: 'success',
        response: { id, nickname: user.nickname, name: user.name, email: user.email, profile_image: user.image },
      },
    };
  }
}
