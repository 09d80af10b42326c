// What `manage import-django` did, counted as it goes and printed at the end.
import { describeCaps } from '../../accounts/django-hashers';

export interface ImportSummary {
  users: { created: number; existing: number };
  passwords: { usable: number; unusable: number; unsupported: number; overCap: number };
  /** Django ids of users whose email another account already had (imported without one). */
  emails: { verified: number; unverified: number; dropped: number[] };
  apps: { created: string[]; existing: number };
  accounts: { created: number; existing: number };
  /** Django provider id → what was skipped because authql has no such provider. */
  skippedProviders: Record<string, { apps: number; accounts: number }>;
  missingTables: string[];
  notes: string[];
}

export function emptySummary(missingTables: string[]): ImportSummary {
  return {
    users: { created: 0, existing: 0 },
    passwords: { usable: 0, unusable: 0, unsupported: 0, overCap: 0 },
    emails: { verified: 0, unverified: 0, dropped: [] },
    apps: { created: [], existing: 0 },
    accounts: { created: 0, existing: 0 },
    skippedProviders: {},
    missingTables,
    notes: [],
  };
}

export function formatSummary(s: ImportSummary, source: string): string {
  const changed = s.users.created + s.apps.created.length + s.accounts.created;
  const lines = [
    `Imported from ${source}${changed === 0 ? ' (nothing new: everything was already imported)' : ''}:`,
    `  users: ${s.users.created} created, ${s.users.existing} already imported`,
    `  passwords: ${s.passwords.usable} Django hashes kept (re-hashed with argon2id at first sign-in), ${s.passwords.unusable} unusable, ${s.passwords.unsupported} in formats authql cannot check (made unusable), ${s.passwords.overCap} over the work-factor caps (made unusable)`,
    `  emails: ${s.emails.verified} verified, ${s.emails.unverified} unverified, ${s.emails.dropped.length} left out (another account has them)`,
    `  social apps: ${s.apps.created.length} created${s.apps.created.length ? ` (${s.apps.created.join(', ')})` : ''}, ${s.apps.existing} already present`,
    `  social accounts: ${s.accounts.created} created, ${s.accounts.existing} already imported`,
  ];
  for (const [provider, n] of Object.entries(s.skippedProviders)) {
    lines.push(`  skipped provider "${provider}" (authql does not support it): ${n.accounts} social accounts, ${n.apps} apps`);
  }
  if (s.passwords.unsupported > 0)
    lines.push(`  note: ${s.passwords.unsupported} users must reset their password (md5, sha1, crypt or unsalted hashes are not accepted)`);
  if (s.passwords.overCap > 0) lines.push(`  note: ${s.passwords.overCap} users must reset their password (their hashes are over the caps: ${describeCaps()})`);
  if (s.emails.dropped.length > 0)
    lines.push(`  note: imported without their email (Django ids): ${s.emails.dropped.slice(0, 20).join(', ')}${s.emails.dropped.length > 20 ? ', …' : ''}`);
  for (const note of s.notes) lines.push(`  note: ${note}`);
  if (s.missingTables.length > 0) lines.push(`  note: no ${s.missingTables.join(', ')} table in the Django database (nothing read from it)`);
  return lines.join('\n');
}
