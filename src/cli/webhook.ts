// `manage webhook:add|list|remove`: webhook endpoints from the shell, through
// the same rules and audit rows (actor `cli`) as the superusers' GraphQL
// mutations. The signing secret is printed once, by webhook:add.
import { AuditLog } from '../audit/audit-log';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import { AppError } from '../errors';
import { WebhookAdmin } from '../events/webhook-admin';
import { WebhookSecrets } from '../events/webhook-secrets';
import { type Flags, stringFlag, UsageError } from './args';
import { cliFork } from './cli-scope';

export const WEBHOOK_ADD_OPTIONS = { url: { type: 'string' }, events: { type: 'string' }, description: { type: 'string' } } as const;
export const WEBHOOK_REMOVE_OPTIONS = { id: { type: 'string' } } as const;

function admin(config: Config): { webhooks: WebhookAdmin } {
  const policy = { production: config.isProduction, allowPrivate: config.webhooks.allowPrivate };
  return { webhooks: new WebhookAdmin(new WebhookSecrets({ current: config.jwt.secretKey }), new AuditLog(), policy) };
}

async function refusedAsUsage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(`${String(err.extensions.field ?? 'error')}: ${err.message}`);
    throw err;
  }
}

export function webhookAdd(orm: Orm, config: Config, flags: Flags): Promise<string> {
  const url = stringFlag(flags, 'url');
  const events = stringFlag(flags, 'events')
    ?.split(',')
    .map((e) => e.trim());
  if (!url || !events) throw new UsageError('--url and --events are required (--events user.created,session.created or *)');
  const { webhooks } = admin(config);
  return refusedAsUsage(async () => {
    const { webhook, secret } = await webhooks.create(cliFork(orm), null, { url, events, description: stringFlag(flags, 'description') ?? '' });
    return `Webhook ${webhook.id} created for ${webhook.events.join(',')} → ${webhook.url}\nSigning secret (shown once): ${secret}`;
  });
}

export async function webhookList(orm: Orm, config: Config): Promise<string> {
  const rows = await admin(config).webhooks.list(orm.em.fork());
  if (rows.length === 0) return 'No webhooks.';
  return rows
    .map((w) => `${w.id}  ${w.url}  ${w.events.join(',')}${w.enabled ? '' : '  (disabled)'}${w.failing ? `  FAILING (${w.consecutiveFailures} in a row)` : ''}`)
    .join('\n');
}

export async function webhookRemove(orm: Orm, config: Config, flags: Flags): Promise<string> {
  const id = stringFlag(flags, 'id');
  if (!id) throw new UsageError('--id is required');
  const { webhooks } = admin(config);
  if (!(await webhooks.delete(cliFork(orm), null, id))) throw new UsageError(`No webhook with id ${id}.`);
  return `Webhook ${id} removed.`;
}
