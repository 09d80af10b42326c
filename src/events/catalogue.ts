// The closed list of webhook events. Adding one is one line here: its name,
// the shape of its `data` and a sentence for the README; emit() then accepts
// it (and nothing else), endpoints may subscribe to it, and the schema's
// WebhookEventType enum and a README test pick it up. Payloads carry ids and
// the names of changed fields only: never a secret, a hash, a token or a value
// someone could not already see by id.
type UserRef = { userId: string };

/** Declares one event: `data` exists only for its type; the value is the description. */
const event = <Data extends object>(description: string) => ({ description }) as { description: string; data?: Data };

export const EVENT_CATALOGUE = {
  'user.created': event<UserRef & { method: string }>('An account was created: registration, social sign-up, staff or the CLI.'),
  'user.updated': event<UserRef & { fields: string[] }>('Profile or account fields changed (names of the fields only).'),
  'user.deleted': event<UserRef>('An account was deleted by its owner or by staff.'),
  'user.email_verified': event<UserRef>('The account proved its email address.'),
  'session.created': event<UserRef & { sessionId: string; method: string }>('A session started (any way in).'),
  'session.revoked': event<UserRef & { sessionId: string | null; all: boolean }>('A session, or all of them, ended before expiry.'),
  'password.changed': event<UserRef & { via: 'change' | 'reset' | 'staff' }>('The password was changed, reset, or set by staff.'),
  'social_account.linked': event<UserRef & { provider: string }>('A social account was connected.'),
  'social_account.unlinked': event<UserRef & { provider: string }>('A social account was disconnected.'),
  'second_factor.changed': event<UserRef & { change: string }>(
    'A second factor changed: change is totp_enabled, totp_disabled, recovery_codes_regenerated, passkey_added, passkey_removed or reset (by a superuser).',
  ),
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = NonNullable<(typeof EVENT_CATALOGUE)[T]['data']>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];
export const isEventType = (s: string): s is EventType => Object.hasOwn(EVENT_CATALOGUE, s);
