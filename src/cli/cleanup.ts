// `manage cleanup`: one sweep of ended sessions and spent tokens (see
// auth/cleanup.ts), for a cron job when the servers run with CLEANUP_INTERVAL=0.

import type { Config } from '../config';
import type { Orm } from '../db/orm';
import { describePurge, purgeEnded } from '../sessions/cleanup';

export async function cleanupCommand(orm: Orm, config: Config): Promise<string> {
  return describePurge(await purgeEnded(orm.em.fork(), config.cleanup.retention, config.audit.retentionDays));
}
