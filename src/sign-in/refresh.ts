// Refreshing: a refresh token is exchanged for its successor and a new
// access token in the same session (no new session starts, so the pipeline
// is not involved). Throttled per client; a reused token is counted and
// logged, because it means the session's tokens were stolen.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { AppError, badInput } from '../errors';
import type { Metrics } from '../metrics';
import { type ClientMeta, type IssuedSession, MAX_TOKEN_LENGTH, type SessionService } from '../sessions/sessions';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';

export class TokenRefresh {
  constructor(
    private readonly sessions: SessionService,
    private readonly rateLimiter: RateLimiter,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async refresh(em: EntityManager, refreshToken: string | null | undefined, client: ClientMeta): Promise<IssuedSession> {
    if (!refreshToken) throw badInput('refreshToken', 'No refresh token was given.');
    if (refreshToken.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
    await this.rateLimiter.consume(['refresh', throttleSubject(client.ip)]);
    try {
      const issued = await this.sessions.rotate(em, refreshToken);
      this.metrics.refreshes.inc({ outcome: 'success' });
      return issued;
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'ERROR';
      this.metrics.refreshes.inc({ outcome: code });
      if (code === 'REFRESH_TOKEN_REUSED') {
        this.metrics.reuseDetected.inc();
        this.logger.warn({ event: 'refresh_reuse', ip: client.ip }, 'refresh token reused; session revoked');
      }
      throw err;
    }
  }
}
