// The start-up checks that only production makes, so that no default there can
// leak: metrics closed to the world, no credentialed CORS or mailed link over
// clear text. loadConfig adds these to its problems (reported all at once).

import { isHttpsOrLoopback } from '../net/loopback';
import type { Config } from './types';

export interface ExplicitLinks {
  /** Whether PASSWORD_RESET_URL / EMAIL_VERIFICATION_URL were set (not defaulted). */
  passwordResetUrl: boolean;
  emailVerificationUrl: boolean;
}

export function productionProblems(config: Config, explicit: ExplicitLinks): string[] {
  if (!config.isProduction) return [];
  const problems: string[] = [];
  if (!config.metricsToken && config.metricsPort === undefined) {
    problems.push('METRICS_TOKEN or METRICS_PORT is required in production (/metrics would be open to anyone who reaches the server)');
  }
  for (const origin of config.corsOrigins) {
    // Credentials are allowed to these origins: a page served in clear text can be rewritten by anyone on its network.
    if (!isHttpsOrLoopback(origin)) problems.push(`CORS_ORIGINS entries must use https in production, except localhost, 127.0.0.1 and [::1] (got "${origin}")`);
  }
  const links = [
    ['PASSWORD_RESET_URL', config.account.passwordResetUrl, explicit.passwordResetUrl],
    ['EMAIL_VERIFICATION_URL', config.account.emailVerificationUrl, explicit.emailVerificationUrl],
  ] as const;
  for (const [name, template, set] of links) {
    // The defaults point at http://localhost: mailed to real users, they would lead nowhere (or to whoever holds that port).
    if (!set && config.mail.smtpUrl) problems.push(`${name} is required in production when SMTP_URL is set (the default is a localhost link)`);
    if (set && !isHttpsOrLoopback(template)) problems.push(`${name} must be an https URL in production, except localhost (got "${template}")`);
  }
  return problems;
}
