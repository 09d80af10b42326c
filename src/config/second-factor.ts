// Second-factor settings (issue 13). The master secret of sealed TOTP secrets
// and recovery-code hashes is ENCRYPTION_KEY when set, else JWT_SECRET_KEY:
// one secret is enough to start, and a separate one lets the JWT key rotate
// without turning every enrolled authenticator into noise.
import type { Reader } from './reader';
import type { Config } from './types';

const MIN_KEY_BYTES = 32;

export function readSecondFactor(r: Reader, jwtSecretKey: string): Config['secondFactor'] {
  const own = r.str('ENCRYPTION_KEY');
  if (own !== undefined && Buffer.byteLength(own) < MIN_KEY_BYTES) r.problems.push(`ENCRYPTION_KEY must be at least ${MIN_KEY_BYTES} bytes`);
  const previous = r.list('ENCRYPTION_PREVIOUS_KEYS');
  if (previous.length > 0 && own === undefined) r.problems.push('ENCRYPTION_PREVIOUS_KEYS needs ENCRYPTION_KEY (the key that replaced them)');
  return {
    masterSecrets: { current: own ?? jwtSecretKey, previous },
    totpIssuer: r.str('TOTP_ISSUER', 'authql'),
    requiredForStaff: r.bool('MFA_REQUIRED_FOR_STAFF', false),
  };
}
