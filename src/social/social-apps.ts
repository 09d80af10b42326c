// Provider apps, managed by superusers over GraphQL and by operators from the
// CLI through this one module, so both apply the same rules: one app per
// provider, the common field rules here, and each provider's own (Kakao's
// numeric App ID as `key`, Facebook's numeric App ID and App Secret) from its
// descriptor. ID tokens may be addressed to `clientId` or any of `extraClientIds`.
import { createPrivateKey } from 'node:crypto';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import { SocialApp, SocialProvider, type User } from '../entities';
import { badInput } from '../errors';
import { descriptorOf } from './providers/registry';

export interface SocialAppFields {
  provider: SocialProvider;
  name: string;
  clientId: string;
  /** Omitted or null means none. */
  extraClientIds?: readonly string[] | null;
  /** Omitted or null keeps the stored secret on update; '' clears it. */
  secret?: string | null;
  key?: string | null;
  /** Apple: Team ID and Key ID for the client_secret; omitted or null leaves them as stored, '' clears. */
  teamId?: string | null;
  keyId?: string | null;
  /** Apple: the .p8 key (PEM). Write-only: omitted or null keeps the stored key, '' clears it. */
  privateKey?: string | null;
}

/** Seals an Apple private key for storage (social/apple-keys.ts); the CLI has none and so takes no key. */
export type SealPrivateKey = (pem: string) => string;

const FIELD_MAX = 191;
const NAME_MAX = 40;
const EXTRA_CLIENT_IDS_MAX = 10;
const CLIENT_ID_RE = /^\S{1,191}$/;

export function listSocialApps(em: EntityManager): Promise<SocialApp[]> {
  return em.find(SocialApp, {}, { orderBy: { id: 'asc' } });
}

export async function createSocialApp(em: EntityManager, input: SocialAppFields, seal?: SealPrivateKey): Promise<SocialApp> {
  const app = em.create(SocialApp, checked(input, null, seal));
  return save(em, app);
}

/** Null when there is no such app. */
export async function updateSocialApp(em: EntityManager, id: number, input: SocialAppFields, seal?: SealPrivateKey): Promise<SocialApp | null> {
  const app = await em.findOne(SocialApp, id);
  if (!app) return null;
  em.assign(app, checked(input, app, seal));
  return save(em, app);
}

export async function deleteSocialApp(em: EntityManager, id: number): Promise<boolean> {
  return (await em.nativeDelete(SocialApp, { id })) > 0;
}

async function save(em: EntityManager, app: SocialApp): Promise<SocialApp> {
  try {
    await em.persist(app).flush();
    return app;
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw badInput('provider', 'An app for this provider already exists; update it instead.');
    throw err;
  }
}

/** Trimmed, validated fields; throws BAD_USER_INPUT naming the first bad one. */
function checked(input: SocialAppFields, stored: SocialApp | null, seal?: SealPrivateKey): Omit<SocialApp, 'id' | 'hasSecret' | 'hasPrivateKey'> {
  const storedSecret = stored?.secret ?? null;
  const name = input.name.trim();
  const clientId = input.clientId.trim();
  const extraClientIds = [...new Set((input.extraClientIds ?? []).map((id) => id.trim()))].filter((id) => id !== clientId);
  const key = input.key?.trim() || null;
  const secret = input.secret == null ? storedSecret : input.secret.trim() || null;
  if (!Object.values(SocialProvider).includes(input.provider)) throw badInput('provider', 'Unknown provider.');
  if (!name || name.length > NAME_MAX) throw badInput('name', `The name is 1–${NAME_MAX} characters.`);
  if (!CLIENT_ID_RE.test(clientId)) throw badInput('clientId', `The client id is 1–${FIELD_MAX} characters without spaces.`);
  if (extraClientIds.length > EXTRA_CLIENT_IDS_MAX || !extraClientIds.every((id) => CLIENT_ID_RE.test(id))) {
    throw badInput('extraClientIds', `At most ${EXTRA_CLIENT_IDS_MAX} extra client ids, each 1–${FIELD_MAX} characters without spaces.`);
  }
  if (secret && secret.length > FIELD_MAX) throw badInput('secret', `The secret is at most ${FIELD_MAX} characters.`);
  if (key && key.length > FIELD_MAX) throw badInput('key', `The key is at most ${FIELD_MAX} characters.`);
  const problem = descriptorOf(input.provider).app.check({ clientId, extraClientIds, secret, key });
  if (problem) throw badInput(problem.field, problem.message);
  return { provider: input.provider, name, clientId, extraClientIds, secret, key, ...appleFields(input, stored, seal) };
}

const APPLE_ID_RE = /^[A-Z0-9]{10}$/;
/** An Apple .p8 is about 250 characters. */
const PEM_MAX = 2048;

/** Team ID, Key ID and the sealed .p8 key: Apple only, each kept when omitted. */
function appleFields(input: SocialAppFields, stored: SocialApp | null, seal?: SealPrivateKey): Pick<SocialApp, 'teamId' | 'keyId' | 'privateKey'> {
  const keep = (given: string | null | undefined, old: string | null | undefined) => (given == null ? (old ?? null) : given.trim() || null);
  const teamId = keep(input.teamId, stored?.teamId);
  const keyId = keep(input.keyId, stored?.keyId);
  let privateKey = stored?.privateKey ?? null;
  if (input.provider !== SocialProvider.APPLE) {
    if (input.teamId || input.keyId || input.privateKey)
      throw badInput(input.privateKey ? 'privateKey' : input.teamId ? 'teamId' : 'keyId', 'Only the Apple app takes a Team ID, Key ID and private key.');
    return { teamId: null, keyId: null, privateKey: null };
  }
  if (teamId && !APPLE_ID_RE.test(teamId)) throw badInput('teamId', 'The Team ID is 10 capital letters and digits.');
  if (keyId && !APPLE_ID_RE.test(keyId)) throw badInput('keyId', 'The Key ID is 10 capital letters and digits.');
  if (input.privateKey != null) {
    const pem = input.privateKey.trim();
    if (pem && (pem.length > PEM_MAX || !isP256Key(pem)))
      throw badInput('privateKey', 'The private key is the .p8 file Apple gave you: a PEM P-256 (ES256) private key.');
    if (pem && !seal) throw badInput('privateKey', 'Set the Apple private key with createSocialApp or updateSocialApp.');
    privateKey = pem && seal ? seal(pem) : null;
  }
  return { teamId, keyId, privateKey };
}

function isP256Key(pem: string): boolean {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

const toId = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

/** The GraphQL side's entry: the same rules, ids as the API spells them, and each change logged with who made it. */
export class SocialAppAdmin {
  constructor(
    private readonly logger: Logger,
    private readonly audit: AuditLog,
    private readonly seal: SealPrivateKey,
  ) {}

  // Each change and its audit row commit together (the transaction's closing flush writes the row).
  create(em: EntityManager, actor: User, input: SocialAppFields): Promise<SocialApp> {
    return em.transactional(async (tx) => {
      const app = await createSocialApp(tx, input, this.seal);
      this.changed(tx, 'social_app_created', app, actor);
      return app;
    });
  }

  update(em: EntityManager, actor: User, id: string, input: SocialAppFields): Promise<SocialApp> {
    return em.transactional(async (tx) => {
      const n = toId(id);
      const app = n === null ? null : await updateSocialApp(tx, n, input, this.seal);
      if (!app) throw badInput('id', 'There is no social app with that id.');
      this.changed(tx, 'social_app_updated', app, actor);
      return app;
    });
  }

  delete(em: EntityManager, actor: User, id: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      const n = toId(id);
      const deleted = n !== null && (await deleteSocialApp(tx, n));
      if (deleted) this.changed(tx, 'social_app_deleted', { id: n, provider: null }, actor);
      return deleted;
    });
  }

  private changed(
    em: EntityManager,
    event: 'social_app_created' | 'social_app_updated' | 'social_app_deleted',
    app: { id: number; provider: string | null },
    actor: User,
  ): void {
    this.audit.record(em, { action: `staff.${event}`, actor, userId: null, target: `socialApp:${app.id}`, detail: { provider: app.provider } });
    this.logger.info({ event, socialAppId: app.id, provider: app.provider, by: actor.id }, 'social app changed');
  }
}
