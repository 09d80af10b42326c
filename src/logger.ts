// Structured JSON logs. Anything that may hold a secret is redacted by path,
// so a careless log call cannot leak a token or password.
import pino, { type Logger } from 'pino';
import type { Config } from './config';

const SECRET_KEYS = ['password', 'newPassword', 'oldPassword', 'token', 'refreshToken', 'accessToken', 'idToken', 'secret', 'clientSecret', 'variables'];
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  ...['req.headers', 'res.headers', 'headers'].flatMap((h) => [`${h}.authorization`, `${h}.cookie`, `${h}["set-cookie"]`]),
];

export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'authql' } },
    destination,
  );
}
