// Chromium's DevTools virtual authenticator on a playwright page: a CTAP2
// platform authenticator ("internal") with resident keys and user
// verification, so navigator.credentials.create/get succeed headless with no
// UI. WebAuthn needs a valid RP ID: pages must be opened at
// http://localhost:<port> (127.0.0.1 is never a valid RP ID in Chromium;
// localhost still reaches the 127.0.0.1 listener).
import type { CDPSession, Page } from 'playwright-core';

export interface VirtualAuthenticatorOptions {
  /** false: the authenticator fails user verification (create/get with UV required reject). Default true. */
  userVerified?: boolean;
  /** Backup eligible and backed up: credentials come out as synced ('multiDevice') passkeys. Default false. */
  synced?: boolean;
}

/** As WebAuthn.getCredentials reports them (ids and handles in standard base64). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  userHandle?: string;
  signCount: number;
  backupEligibility?: boolean;
  backupState?: boolean;
}

export interface VirtualAuthenticator {
  authenticatorId: string;
  cdp: CDPSession;
  credentials(): Promise<VirtualCredential[]>;
  setUserVerified(verified: boolean): Promise<void>;
  remove(): Promise<void>;
}

export async function addVirtualAuthenticator(page: Page, o: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: o.userVerified ?? true,
      automaticPresenceSimulation: true,
      defaultBackupEligibility: o.synced ?? false,
      defaultBackupState: o.synced ?? false,
    },
  });
  return {
    authenticatorId,
    cdp,
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as VirtualCredential[],
    setUserVerified: async (isUserVerified) => {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified });
    },
    remove: async () => {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      await cdp.send('WebAuthn.disable');
      await cdp.detach();
    },
  };
}
