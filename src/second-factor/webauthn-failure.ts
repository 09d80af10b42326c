// Why a WebAuthn response was refused. Every refusal from webauthn.ts is a
// WebAuthnFailure, never another error: phase 2 answers all of them with the
// one client-facing code (SECOND_FACTOR_INVALID) and logs `reason` and
// `detail` server-side only, where `detail` is the library's own sentence.
export type WebAuthnFailureReason =
  | 'malformed' // not a WebAuthn response JSON we can read
  | 'type' // a `webauthn.get` answer to a registration, or the other way round
  | 'challenge' // not the challenge we issued
  | 'origin' // clientData origin not in WEBAUTHN_ORIGINS (or a cross-origin iframe)
  | 'rp-id' // signed for another RP ID
  | 'user-presence' // UP flag not set
  | 'user-verification' // UV flag not set: no PIN or biometric check
  | 'algorithm' // a key type we did not offer
  | 'attestation' // an attestation statement that does not verify
  | 'signature' // the assertion signature does not verify with the stored key
  | 'counter' // a non-zero signature counter that did not increase: a cloned authenticator or a replay
  | 'credential-mismatch' // the response names another credential than the one it is checked against
  | 'user-handle-mismatch' // the userHandle is not the credential owner's
  | 'backup-eligibility-changed'; // BE differs from registration, which WebAuthn L3 says never happens

export class WebAuthnFailure extends Error {
  constructor(
    readonly reason: WebAuthnFailureReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'WebAuthnFailure';
  }
}

// @simplewebauthn/server 14 throws plain Errors; these are its sentences
// (anchored, because most embed values the client chose). Pinned by tests.
const LIBRARY_MESSAGES: [RegExp, WebAuthnFailureReason][] = [
  [/^Unexpected (registration|authentication) response type\b/, 'type'],
  [/^(Unexpected (registration|authentication) response challenge|Custom challenge verifier)/, 'challenge'],
  [/^(Unexpected (registration|authentication) response origin|Unexpected cross-origin|Detected cross-origin|Unexpected top origin)/, 'origin'],
  [/^Unexpected RP ID hash/, 'rp-id'],
  [/^(User presence was required|User not present)/, 'user-presence'],
  [/^User verification (was )?required/, 'user-verification'],
  [/^(Unexpected public key alg|Credential public key was missing numeric alg)/, 'algorithm'],
  [/^Response counter value/, 'counter'],
  [/^(None attestation|Unsupported Attestation Format)|\((Packed|TPM|Apple|Android Key|SafetyNet|FIDOU2F)[^()]*\)$/, 'attestation'],
];

/** Wraps whatever the library threw (or anything else) as a WebAuthnFailure. */
export function asWebAuthnFailure(error: unknown): WebAuthnFailure {
  if (error instanceof WebAuthnFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reason = LIBRARY_MESSAGES.find(([pattern]) => pattern.test(message))?.[1] ?? 'malformed';
  return new WebAuthnFailure(reason, message);
}
