// Structured JSON logs. Anything that may hold a secret is redacted by path,
// so a careless log call cannot leak a token or password. A developer's
// terminal gets the same records as human lines (LOG_FORMAT, log-format.ts).
import pino, { type Logger } from 'pino';
import type { Config } from './config';
import { prettyDestination } from './log-format';

const SECRET_KEYS = ['password', 'newPassword', 'oldPassword', 'token', 'refreshToken', 'accessToken', 'idToken', 'secret', 'clientSecret', 'variables'];
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  ...['req.headers', 'res.headers', 'headers'].flatMap((h) => [`${h}.authorization`, `${h}.cookie`, `${h}["set-cookie"]`]),
];

export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  const terminal = !destination && process.stdout.isTTY === true;
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && config.nodeEnv === 'development' && terminal);
  return pino(
    { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'authql' } },
    pretty ? prettyDestination(destination ?? process.stdout, terminal) : destination,
  );
}
