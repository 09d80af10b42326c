// What a manage command writes, it writes as the CLI: its audit rows name
// `cli` as the actor (audit/audit-log.ts), with no IP or user agent.
import { type AuthqlEntityManager, scopedFork } from '../db/entity-manager';
import type { Orm } from '../db/orm';

export const cliFork = (orm: Orm): AuthqlEntityManager => scopedFork(orm.em, { ip: null, userAgent: null, actor: 'cli' });
