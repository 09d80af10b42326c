// DATABASE_URL, read without opening anything: which database it names, the
// SQLite path, a form safe to print, and what is wrong with it (config.ts
// refuses a bad one at start-up instead of creating a SQLite file named
// "mysql:").
export type DatabaseKind = 'sqlite' | 'postgresql';

export function databaseKind(url: string): DatabaseKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgresql' : 'sqlite';
}

/** `sqlite:/abs/file`, `sqlite::memory:`, `file:x.db` or a bare path. */
export function sqlitePath(url: string): string {
  return url.replace(/^(sqlite|file):(\/\/)?/i, '') || ':memory:';
}

const DATABASE_URL_FORMS = 'sqlite:<path>, sqlite::memory: or postgres://user:password@host:5432/db';

/** What is wrong with a DATABASE_URL (empty when nothing is), so config.ts can refuse it at start-up. */
export function databaseUrlProblems(url: string): string[] {
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase();
  const bad = [`DATABASE_URL must be ${DATABASE_URL_FORMS} (got "${describeDatabaseUrl(url)}")`];
  if (scheme === undefined || scheme === 'sqlite' || scheme === 'file') return [];
  if (scheme !== 'postgres' && scheme !== 'postgresql') return bad;
  try {
    return /^postgres(ql)?:\/\//i.test(url) && new URL(url).hostname ? [] : bad;
  } catch {
    return bad;
  }
}

/** The URL with its password hidden: safe for logs and error messages. */
export function describeDatabaseUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)[^/]*@/, '$1***@');
}
