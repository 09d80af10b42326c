// djangorestframework-jwt's refresh, for the apps that still speak it: an
// unexpired access token in, a new one of the same session out (orig_iat
// kept), refused once the session's refresh window is over. The token is
// checked exactly as verifyToken checks it (signature, expiry, user, session,
// token version); no session starts, so the pipeline is not involved.
// Throttled per client under the same rule as refreshToken. (Requests are
// counted by route in authql_http_requests_total; the rotation counter is
// for refresh tokens only.)
import type { SqlEntityManager } from '@mikro-orm/knex';
import { verifyAccessToken } from '../sessions/access';
import type { JwtService } from '../sessions/jwt';
import type { ClientMeta, IssuedSession, SessionService } from '../sessions/sessions';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';

export class AccessTokenRefresh {
  constructor(
    private readonly jwt: JwtService,
    private readonly sessions: SessionService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /** A new access token (no refresh token) for a live one; verifyToken's errors, or ReissueRefused. */
  async refresh(em: SqlEntityManager, accessToken: string, client: ClientMeta): Promise<IssuedSession> {
    await this.rateLimiter.consume(['refresh', throttleSubject(client.ip)]);
    return this.sessions.reissue(em, await verifyAccessToken(em, this.jwt, accessToken));
  }
}
