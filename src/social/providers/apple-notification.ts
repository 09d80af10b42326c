// Apple's server-to-server notifications for Sign in with Apple: a POST whose
// JSON body is `{"payload": "<JWT>"}`, signed with the same keys as identity
// tokens. Trusted only after the signature (kid in Apple's JWKS, the key's own
// algorithm), `iss` Apple, `aud` one of our client IDs and `exp` (Apple also
// sends iat: without exp, a payload older than a day is refused). Its
// `events` claim (a JSON string, or an object) names one event for one user.
import jwt from 'jsonwebtoken';
import type { JwksCache } from './jwks';
import { asRecord, asString, asSubject, clientIds, isTrue, type ProviderApp, ProviderFailure } from './provider';

const ISSUER = 'https://appleid.apple.com';
const MAX_AGE_WITHOUT_EXP_SECONDS = 24 * 60 * 60;
const CLOCK_SKEW_SECONDS = 30;

export interface AppleEvent {
  /** consent-revoked, account-delete, email-disabled, email-enabled, or one Apple adds later. */
  type: string;
  sub: string;
  email: string | null;
  isPrivateEmail: boolean;
  /** `jti` or the event time: names the notification in logs. */
  id: string | null;
}

const rejected = (detail: string) => new ProviderFailure('TOKEN_REJECTED', detail);

export class AppleNotificationVerifier {
  constructor(
    private readonly keys: JwksCache,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(payload: string, app: ProviderApp): Promise<AppleEvent> {
    const header = asRecord(jwt.decode(payload, { complete: true })?.header);
    const kid = asString(header?.kid);
    if (!kid) throw rejected('apple notification: not a JWT with a kid');
    const { key, algorithm } = await this.keys.get(kid);
    let claims: Record<string, unknown> | null;
    try {
      claims = asRecord(
        jwt.verify(payload, key, {
          algorithms: [algorithm],
          issuer: ISSUER,
          clockTolerance: CLOCK_SKEW_SECONDS,
          clockTimestamp: Math.floor(this.now() / 1000),
        }),
      );
    } catch (err) {
      throw rejected(`apple notification: ${(err as Error).message}`);
    }
    if (!claims) throw rejected('apple notification: no claims');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const ours = clientIds(app);
    if (audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && ours.includes(a)))
      throw new ProviderFailure('WRONG_APP', 'apple notification: for another app');
    if (typeof claims.exp !== 'number') {
      if (typeof claims.iat !== 'number' || this.now() / 1000 - claims.iat > MAX_AGE_WITHOUT_EXP_SECONDS)
        throw rejected('apple notification: no exp and not recent');
    }
    const events = asRecord(typeof claims.events === 'string' ? parse(claims.events) : claims.events);
    const type = asString(events?.type);
    const sub = asSubject(events?.sub);
    if (!events || !type || !sub) throw rejected('apple notification: no event');
    return {
      type,
      sub,
      email: asString(events.email),
      isPrivateEmail: isTrue(events.is_private_email),
      id: asString(claims.jti) ?? (typeof events.event_time === 'number' ? String(events.event_time) : null),
    };
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
