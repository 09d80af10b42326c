// `manage socialapp:add|update|list|remove`: provider apps from the shell
// (where Django's admin did it), through the same rules as createSocialApp
// and updateSocialApp (auth/social-apps.ts). The secret is never printed.
import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from '../db/orm';
import { SocialApp } from '../entities';
import { AppError } from '../errors';
import { parseProvider, SOCIAL_PROVIDERS, type SocialProvider } from '../social/providers/provider-id';
import { createSocialApp, deleteSocialApp, listSocialApps, updateSocialApp } from '../social/social-apps';
import { type Flags, stringFlag, UsageError } from './args';

const FIELD_OPTIONS = {
  name: { type: 'string' },
  'client-id': { type: 'string' },
  'extra-client-ids': { type: 'string' },
  secret: { type: 'string' },
  key: { type: 'string' },
} as const;
export const SOCIALAPP_ADD_OPTIONS = { provider: { type: 'string' }, ...FIELD_OPTIONS } as const;
export const SOCIALAPP_UPDATE_OPTIONS = { id: { type: 'string' }, provider: { type: 'string' }, ...FIELD_OPTIONS } as const;
export const SOCIALAPP_REMOVE_OPTIONS = { id: { type: 'string' }, provider: { type: 'string' }, name: { type: 'string' } } as const;

export async function socialAppAdd(orm: Orm, flags: Flags): Promise<string> {
  const provider = providerFlag(flags);
  if (!provider) throw new UsageError(PROVIDER_HELP);
  const required = (name: string): string => {
    const value = stringFlag(flags, name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  };
  try {
    const app = await createSocialApp(orm.em.fork(), {
      provider,
      name: required('name'),
      clientId: required('client-id'),
      extraClientIds: stringFlag(flags, 'extra-client-ids')?.split(',') ?? null,
      secret: stringFlag(flags, 'secret') ?? null,
      key: stringFlag(flags, 'key') ?? null,
    });
    return `Social app created: ${describe(app)}`;
  } catch (err) {
    if (err instanceof AppError && err.extensions.field === 'provider') {
      throw new UsageError(`provider: ${err.message} Use: npm run manage -- socialapp:update --provider ${provider} [--name N] [--client-id C] …`);
    }
    throw refused(err);
  }
}

/** Changes the flags given; the others keep their stored value (`--secret ''` clears the secret). */
export async function socialAppUpdate(orm: Orm, flags: Flags): Promise<string> {
  const em = orm.em.fork();
  const app = await findApp(em, flags);
  const changes = Object.keys(FIELD_OPTIONS).filter((name) => stringFlag(flags, name) !== undefined);
  if (changes.length === 0)
    throw new UsageError(
      `nothing to change: give at least one of ${Object.keys(FIELD_OPTIONS)
        .map((n) => `--${n}`)
        .join(', ')}`,
    );
  const extra = stringFlag(flags, 'extra-client-ids');
  try {
    const updated = await updateSocialApp(em, app.id, {
      provider: app.provider,
      name: stringFlag(flags, 'name') ?? app.name,
      clientId: stringFlag(flags, 'client-id') ?? app.clientId,
      extraClientIds: extra === undefined ? app.extraClientIds : extra.split(',').filter(Boolean),
      secret: stringFlag(flags, 'secret') ?? null,
      key: stringFlag(flags, 'key') ?? app.key ?? null,
    });
    return `Social app updated: ${describe(updated ?? app)}`;
  } catch (err) {
    throw refused(err);
  }
}

export async function socialAppList(orm: Orm): Promise<string> {
  const apps = await listSocialApps(orm.em.fork());
  return apps.length ? apps.map(describe).join('\n') : 'No social apps.';
}

export async function socialAppRemove(orm: Orm, flags: Flags): Promise<string> {
  const em = orm.em.fork();
  const app = await findApp(em, flags, stringFlag(flags, 'name'));
  if (!(await deleteSocialApp(em, app.id))) throw new UsageError('No social app matches.');
  return `Social app removed: ${describe(app)}`;
}

/** The app named by --id or --provider (and, to remove, optionally --name). */
async function findApp(em: EntityManager, flags: Flags, name?: string): Promise<SocialApp> {
  const id = stringFlag(flags, 'id');
  const provider = providerFlag(flags);
  if (id === undefined && !provider) throw new UsageError(`give --id X, or --provider P${name === undefined ? '' : ' (optionally with --name N)'}`);
  if (id !== undefined && !/^\d{1,15}$/.test(id)) throw new UsageError('--id must be a number');
  const app = await em.findOne(SocialApp, {
    ...(id !== undefined ? { id: Number(id) } : {}),
    ...(provider ? { provider } : {}),
    ...(name !== undefined ? { name } : {}),
  });
  if (!app) throw new UsageError('No social app matches.');
  return app;
}

/** A refusal by the rules of auth/social-apps.ts, as `field: message`. */
function refused(err: unknown): unknown {
  return err instanceof AppError ? new UsageError(`${err.extensions.field ?? 'input'}: ${err.message}`) : err;
}

const PROVIDER_HELP = `--provider must be one of ${SOCIAL_PROVIDERS.join(', ')}`;

/** Null when the flag is absent; a usage error when it names no provider. */
function providerFlag(flags: Flags): SocialProvider | null {
  const raw = stringFlag(flags, 'provider');
  if (raw === undefined) return null;
  const provider = parseProvider(raw);
  if (!provider) throw new UsageError(PROVIDER_HELP);
  return provider;
}

function describe(app: SocialApp): string {
  const extra = app.extraClientIds.length ? ` extra-client-ids=${app.extraClientIds.join(',')}` : '';
  const key = app.key ? ` key=${app.key}` : '';
  // Apple's REST API credentials are set over GraphQL (a .p8 does not belong in shell history); shown so an operator sees they are there.
  const apple =
    app.teamId || app.keyId || app.hasPrivateKey
      ? ` team-id=${app.teamId ?? '-'} key-id=${app.keyId ?? '-'} private-key=${app.hasPrivateKey ? 'set' : 'not set'}`
      : '';
  return `#${app.id} ${app.provider} "${app.name}" client-id=${app.clientId}${extra}${key} secret=${app.hasSecret ? 'set' : 'not set'}${apple}`;
}
