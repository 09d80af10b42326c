// Who we are to an authenticator (WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME) and which
// origins may answer for us. Without WEBAUTHN_ORIGINS (development) the one
// origin is http://localhost:<the port the server listens on>, known only
// once it listens, so createApp tells it.
import { createHmac } from 'node:crypto';
import { deriveKey, type MasterSecret } from '../crypto/derive-key';
import type { User } from '../entities';
import { AppError } from '../errors';
import type { Expected } from './webauthn';

/** The WEBAUTHN_* settings (config's WebAuthnConfig), passed in: this folder never imports config. */
export interface RelyingPartySettings {
  readonly enabled: boolean;
  readonly rpId: string;
  readonly rpName: string;
  /** null: http://localhost:<listening port>. */
  readonly origins: readonly string[] | null;
}

export class RelyingParty {
  private listening: readonly string[] = [];
  private readonly handleKey: Buffer;

  constructor(
    private readonly cfg: RelyingPartySettings,
    master: MasterSecret,
  ) {
    this.handleKey = deriveKey(master, 'webauthn-user-handle');
  }

  get id(): string {
    return this.cfg.rpId;
  }

  get name(): string {
    return this.cfg.rpName;
  }

  /** Production without WEBAUTHN_RP_ID: a passkey would be bound to a guess for life, so there are none. */
  requireEnabled(): void {
    if (!this.cfg.enabled) throw new AppError('FORBIDDEN', 'Passkeys are not set up on this server (WEBAUTHN_RP_ID).');
  }

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  listeningOn(port: number): void {
    this.listening = [`http://localhost:${port}`];
  }

  origins(): readonly string[] {
    return this.cfg.origins ?? this.listening;
  }

  expected(challenge: string): Expected {
    return { expectedChallenge: challenge, expectedOrigins: this.origins(), expectedRpId: this.cfg.rpId };
  }

  /**
   * The user's WebAuthn handle: an HMAC of the id, so it is stable (an
   * authenticator replaces its passkey for the account instead of adding
   * one), reveals nothing, and needs no column. Each passkey stores the
   * handle it was made with, so a new master secret breaks no passkey.
   */
  userHandle(user: User): Buffer {
    return createHmac('sha256', this.handleKey).update(String(user.id)).digest();
  }
}
