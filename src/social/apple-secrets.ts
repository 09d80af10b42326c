// The two Apple secrets authql keeps, sealed at rest (crypto/secret-box.ts),
// each under its own derived key and bound to its row: the app's .p8 private
// key (one Apple app per authql, so bound to the provider) and a user's Apple
// refresh token with the client ID it was issued to (bound to the account's
// uid, so a sealed token moved to another account does not open).
import type { MasterSecrets } from '../crypto/derive-key';
import { SecretBox } from '../crypto/secret-box';
import type { SocialAccount, SocialApp } from '../entities';

export interface AppleRefreshToken {
  token: string;
  /** The bundle ID or Services ID the code was issued to: revoking names the same one. */
  clientId: string;
}

const APP_AAD = 'social_app:apple:private_key';
const tokenAad = (uid: string) => `social_account:apple:${uid}:refresh_token`;

export class AppleSecrets {
  private readonly keys: SecretBox;
  private readonly tokens: SecretBox;

  constructor(master: MasterSecrets) {
    this.keys = new SecretBox(master, 'apple-private-key');
    this.tokens = new SecretBox(master, 'apple-refresh-token');
  }

  readonly sealPrivateKey = (pem: string): string => this.keys.seal(pem, APP_AAD);

  /** The PEM, or null when none is stored; throws SecretBoxError when it does not open. */
  privateKey(app: Pick<SocialApp, 'privateKey'>): string | null {
    return app.privateKey ? this.keys.open(app.privateKey, APP_AAD).plaintext.toString('utf8') : null;
  }

  sealRefreshToken(uid: string, value: AppleRefreshToken): string {
    return this.tokens.seal(JSON.stringify(value), tokenAad(uid));
  }

  /** Null when none is stored or it no longer opens (its key is gone): nothing is left to revoke with it. */
  refreshToken(account: Pick<SocialAccount, 'uid' | 'providerToken'>): AppleRefreshToken | null {
    if (!account.providerToken) return null;
    try {
      const value = JSON.parse(this.tokens.open(account.providerToken, tokenAad(account.uid)).plaintext.toString('utf8')) as AppleRefreshToken;
      return typeof value.token === 'string' && typeof value.clientId === 'string' ? value : null;
    } catch {
      return null;
    }
  }
}
