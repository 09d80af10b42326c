// `manage socialapp:add|list|remove`: provider apps from the shell (where
// Django's admin did it), through the same rules as createSocialApp
// (auth/social-apps.ts). The secret is never printed.
import { createSocialApp, deleteSocialApp, listSocialApps } from '../auth/social-apps';
import type { Orm } from '../db/orm';
import { SocialApp } from '../entities';
import { SOCIAL_PROVIDERS, parseProvider, type SocialProvider } from '../entities/social-provider';
import { AppError } from '../errors';
import { stringFlag, UsageError, type Flags } from './args';

export const SOCIALAPP_USAGE = `  socialapp:add --provider P --name N --client-id C [--extra-client-ids C2,C3] [--secret S] [--key K]
                                              register a provider app (kakao, facebook, google, apple or naver;
                                              Kakao: --key is the numeric App ID; Facebook: --client-id is the
                                              App ID, --secret the App Secret; Google, Apple, Kakao: ID tokens
                                              may be for --client-id or any of --extra-client-ids)
  socialapp:list                              list provider apps (secrets are never shown)
  socialapp:remove --id X | --provider P [--name N]
                                              remove a provider app
`;

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
    if (err instanceof AppError) throw new UsageError(`${err.extensions.field ?? 'input'}: ${err.message}`);
    throw err;
  }
}

export async function socialAppList(orm: Orm): Promise<string> {
  const apps = await listSocialApps(orm.em.fork());
  return apps.length ? apps.map(describe).join('\n') : 'No social apps.';
}

export async function socialAppRemove(orm: Orm, flags: Flags): Promise<string> {
  const em = orm.em.fork();
  const id = stringFlag(flags, 'id');
  const provider = providerFlag(flags);
  const name = stringFlag(flags, 'name');
  if (id === undefined && !provider) throw new UsageError('give --id X, or --provider P (optionally with --name N)');
  if (id !== undefined && !/^\d{1,15}$/.test(id)) throw new UsageError('--id must be a number');
  const app = await em.findOne(SocialApp, {
    ...(id !== undefined ? { id: Number(id) } : {}),
    ...(provider ? { provider } : {}),
    ...(name !== undefined ? { name } : {}),
  });
  if (!app || !(await deleteSocialApp(em, app.id))) throw new UsageError('No social app matches.');
  return `Social app removed: ${describe(app)}`;
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
  return `#${app.id} ${app.provider} "${app.name}" client-id=${app.clientId}${extra}${key} secret=${app.hasSecret ? 'set' : 'not set'}`;
}
