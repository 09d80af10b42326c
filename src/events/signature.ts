// Standard Webhooks signing (https://www.standardwebhooks.com): the secret is
// `whsec_` + base64 of 32 random bytes; the signature is HMAC-SHA256 over
// `${webhook-id}.${webhook-timestamp}.${body}` with the decoded bytes, sent as
// `v1,<base64>`. Written on node:crypto (a few lines) so that the tests'
// receivers, which verify with the `standardwebhooks` package, check an
// independent implementation rather than the same code twice.
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

export const newSigningSecret = (): string => PREFIX + randomBytes(32).toString('base64');

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secret: string, id: string, body: string, at: Date): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
}
