// Why the server could not start, as one line a person can act on: the port
// is taken, the database cannot be reached or refuses us. Anything not
// recognised here keeps its stack trace (index.ts), since nobody can fix an
// unknown failure from one line.
import type { Config } from './config';
import { databaseKind, describeDatabaseUrl, sqlitePath } from './db/database-url';

interface SystemError {
  code?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  message?: unknown;
  cause?: unknown;
}

export class StartupError extends Error {}

/** A StartupError with the fix for a failure we recognise; the error itself otherwise. */
export function explainStartupFailure(err: unknown, config: Config): unknown {
  const line = describe(err, config);
  return line ? new StartupError(`authql cannot start: ${line}`) : err;
}

function describe(err: unknown, config: Config): string | null {
  for (let e = err as SystemError | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as SystemError, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (e.syscall === 'listen') return listenFailure(code, config);
    const db = describeDatabaseUrl(config.databaseUrl);
    const fix = 'start it, or fix DATABASE_URL';
    switch (code) {
      case 'ECONNREFUSED':
        return `the database at ${db} refused the connection (is it running?): ${fix}.`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the database host "${String(e.hostname ?? '')}" of ${db} was not found: fix the host in DATABASE_URL.`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `the database at ${db} cannot be reached (${code}): check the host and the network, or fix DATABASE_URL.`;
      case '28P01':
      case '28000':
        return `the database at ${db} refused to sign us in (${message}): fix the user or password in DATABASE_URL.`;
      case '3D000':
        return `the database at ${db} does not exist (${message}): create it, or fix DATABASE_URL.`;
      case 'SQLITE_CANTOPEN':
        return `the SQLite file ${sqlitePath(config.databaseUrl)} cannot be opened: check that its directory exists and is writable, or fix DATABASE_URL.`;
      case 'SQLITE_NOTADB':
        return `${sqlitePath(config.databaseUrl)} is not a SQLite database: fix DATABASE_URL.`;
      default:
        if (databaseKind(config.databaseUrl) === 'postgresql' && /Knex: Timeout acquiring a connection/.test(message)) {
          return `the database at ${db} did not answer in time: ${fix}.`;
        }
    }
  }
  return null;
}

function listenFailure(code: string, config: Config): string | null {
  const where = `${config.host}:${config.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `${where} is already in use (another authql, or another program): stop it, or start on another port, e.g. PORT=${config.port === 4000 ? 4001 : 4000} npm start (PORT=0 picks a free one).`;
    case 'EACCES':
      return `no permission to listen on ${where} (ports below 1024 need privileges): use PORT=4000 or another port above 1023.`;
    case 'EADDRNOTAVAIL':
      return `HOST=${config.host} is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface.`;
    default:
      return null;
  }
}
