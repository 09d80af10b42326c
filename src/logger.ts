// Structured JSON logs. Anything that may hold a secret is redacted by path,
// so a careless log call cannot leak a token or password.
import pino, { type Logger } from 'pino';
import type { Config } from './config';

export const REDACT_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'oldPassword', '*.oldPassword',
  'token', '*.token', 'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken', 'secret', '*.secret',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'variables',
];

export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'authql' } },
    destination,
  );
}
