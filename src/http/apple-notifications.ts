// POST /social/apple/notifications: the URL to give Apple (Certificates,
// Identifiers & Profiles → your App ID or Services ID → Sign in with Apple →
// Server-to-Server Notification Endpoint). 200 once the event is handled or
// knowingly ignored; 400 for a payload that is not Apple's for our app (Apple
// does not retry those, and a forger learns nothing); 503 when it cannot be
// checked now (Apple's keys unreachable, no Apple app yet), so Apple retries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { scopedFork } from '../db/entity-manager';
import type { Services } from '../services';
import { ProviderFailure } from '../social/providers/provider';
import { BodyTooLargeError, readBody, sendError, sendJson } from './graphql-handler';

export const APPLE_NOTIFICATIONS_PATH = '/social/apple/notifications';
const MAX_BODY_BYTES = 64 * 1024;

/** False when the request is not for this route. */
export async function handleAppleNotification(services: Services, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (path !== APPLE_NOTIFICATIONS_PATH) return false;
  if (req.method !== 'POST') {
    sendError(res, 405, 'BAD_REQUEST', 'POST only.', { allow: 'POST' });
    return true;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, MAX_BODY_BYTES));
  } catch (err) {
    if (err instanceof BodyTooLargeError) sendError(res, 413, 'BAD_REQUEST', 'The body is too large.');
    else sendError(res, 400, 'BAD_REQUEST', 'The body is not JSON.');
    return true;
  }
  try {
    const outcome = await services.appleNotifications.receive(
      scopedFork(services.orm.em, { ip: services.clientIp(req), userAgent: req.headers['user-agent'] ?? null }),
      body,
    );
    sendJson(res, 200, { outcome });
  } catch (err) {
    if (!(err instanceof ProviderFailure)) throw err;
    const retryable = err.reason === 'PROVIDER_UNAVAILABLE' || err.reason === 'PROVIDER_NOT_CONFIGURED';
    services.logger.warn({ event: 'apple_notification', outcome: 'refused', reason: err.reason, detail: err.detail }, 'Apple notification refused');
    if (retryable) sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The notification cannot be checked now; send it again later.');
    else sendError(res, 400, 'BAD_REQUEST', 'Not a notification from Apple for this app.');
  }
  return true;
}
