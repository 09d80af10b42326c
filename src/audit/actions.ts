// The closed list of audit actions, each with the sentence the README shows.
// Adding one is one line; record() accepts nothing else.
export const AUDIT_ACTIONS = {
  sign_in: 'A sign-in succeeded or failed (detail.method: password, social:<provider>, code, passkey; failures: detail.code).',
  sign_out: 'A user ended their session, or all of them (logout).',
  'session.revoked': 'A session was ended by id (revokeSession) or by its refresh token (revokeToken).',
  'user.registered': 'An account was created by registration or a social sign-up.',
  'password.changed': 'A user changed their password.',
  'password.reset': 'A password was reset with a mailed token.',
  'email.changed': 'A user changed their email address (detail.fields).',
  'email.verified': 'A mailed verification link was followed.',
  'profile.updated': 'A user changed their names.',
  'account.deleted': 'A user deleted their own account.',
  'social_account.linked': 'A social account was connected (detail.provider).',
  'social_account.unlinked': 'A social account was disconnected (detail.provider).',
  'second_factor.changed':
    'A user changed their second factors (detail.change: totp_enabled, totp_disabled, recovery_codes_regenerated, passkey_added, passkey_removed).',
  'staff.second_factors_reset': 'A superuser removed every second factor of a user (resetSecondFactors).',
  'provider.user_deleted':
    "Apple said the user deleted their Apple account and APPLE_DELETE_ON_ACCOUNT_DELETE deleted the account (actor system; Apple's unlinks are social_account.unlinked with detail.by apple).",
  'staff.user_created': 'Staff created an account.',
  'staff.user_updated': 'Staff changed an account (detail.fields: names only).',
  'staff.user_deleted': 'Staff deleted an account.',
  'staff.social_app_created': 'A superuser added a provider app.',
  'staff.social_app_updated': 'A superuser changed a provider app (detail.fields).',
  'staff.social_app_deleted': 'A superuser removed a provider app.',
  'webhook.created': 'A superuser (or the CLI) added a webhook endpoint.',
  'webhook.updated': 'A webhook endpoint was changed (detail.fields).',
  'webhook.deleted': 'A webhook endpoint was removed.',
  'webhook.redelivered': 'A delivery was queued again by hand.',
  'cli.superuser_created': 'manage createsuperuser made an account.',
  'cli.cleanup': 'manage cleanup purged ended sessions and spent tokens.',
  'cli.command':
    'Another manage command that changes data succeeded (socialapp:add|update|remove, import-django; detail.command, detail.flags: flag names only).',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
