// `manage cleanup`: one sweep of ended sessions, spent tokens and audit rows
// past retention (see sessions/cleanup.ts), for a cron job when the servers
// run with CLEANUP_INTERVAL=0. The sweep itself is audited (actor cli).

import { AuditLog } from '../audit/audit-log';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import { describePurge, purgeEnded } from '../sessions/cleanup';
import { cliFork } from './cli-scope';

export async function cleanupCommand(orm: Orm, config: Config): Promise<string> {
  const counts = await purgeEnded(orm.em.fork(), config.cleanup.retention, config.audit.retentionDays);
  const audit = new AuditLog();
  await audit.recordAlone(cliFork(orm), { action: 'cli.cleanup', userId: null, detail: { ...counts } });
  return describePurge(counts);
}
