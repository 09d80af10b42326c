// `manage import-django --database <sqlite path | postgres URL>`: brings a
// Django project's users (auth_user, allauth's email addresses), provider
// apps and social accounts over into authql, keeping the password hashes so
// nobody has to reset a password. Idempotent and all-or-nothing; see
// django/import.ts for the rules.
import type { Orm } from '../db/orm';
import { type Flags, stringFlag, UsageError } from './args';
import { importDjango, type Progress } from './django/import';
import { DjangoDataError, describeDatabase, readDjango } from './django/source';
import { formatSummary } from './django/summary';

export async function importDjangoCommand(orm: Orm, flags: Flags, log: (line: string) => void): Promise<string> {
  const database = stringFlag(flags, 'database');
  if (!database) throw new UsageError('--database is required: a Django SQLite file (path or sqlite:path) or a postgres:// URL');
  const source = describeDatabase(database);
  log(`Reading ${source}…`);
  try {
    const data = await readDjango(database);
    log(
      `Found ${data.users.length} users, ${data.emails.length} email addresses, ${data.socialApps.length} social apps, ${data.socialAccounts.length} social accounts.`,
    );
    const progress: Progress = (stage, done, total) => log(`importing ${stage}: ${done}/${total}`);
    return formatSummary(await importDjango(orm, data, progress), source);
  } catch (err) {
    if (err instanceof DjangoDataError) throw new UsageError(`Import failed, nothing was imported: ${err.message}`);
    throw err;
  }
}
