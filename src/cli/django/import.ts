// Writes what source.ts read into authql, in one transaction: users (with
// their Django password hashes as they are), provider apps, social accounts.
// Guarantees: a Django user already imported (django_users) is never touched
// again, so a second run changes nothing; any conflict or broken reference
// throws and rolls everything back; no row is half-written.
import type { EntityManager } from '@mikro-orm/core';
import { emailKey, usernameKey } from '../../accounts/accounts';
import { djangoHashKind } from '../../accounts/django-hashers';
import { PasswordHasher } from '../../accounts/passwords';
import type { Orm } from '../../db/orm';
import { DjangoUser, SocialAccount, SocialApp, User } from '../../entities';
import { parseProvider, SocialProvider } from '../../social/providers/provider-id';
import { type DjangoData, DjangoDataError, type DjangoUserRow } from './source';
import { emptySummary, type ImportSummary } from './summary';

const BATCH = 500;

export type Progress = (stage: string, done: number, total: number) => void;

export async function importDjango(orm: Orm, data: DjangoData, progress: Progress): Promise<ImportSummary> {
  const summary = emptySummary(data.missingTables);
  await orm.em.fork().transactional(async (tx) => {
    const userIds = await importUsers(tx, data, summary, progress);
    await importApps(tx, data, summary);
    await importSocialAccounts(tx, data, userIds, summary, progress);
  });
  return summary;
}

/** Returns Django user id → authql user id (null: deleted in authql since an earlier import). */
async function importUsers(tx: EntityManager, data: DjangoData, summary: ImportSummary, progress: Progress): Promise<Map<number, number | null>> {
  const ids = new Map<number, number | null>();
  for (const link of await tx.find(DjangoUser, {})) ids.set(link.djangoId, link.user?.id ?? null);
  const fresh = data.users.filter((u) => !ids.has(u.id));
  summary.users.existing = data.users.length - fresh.length;
  await assertUsernamesFree(tx, fresh);
  const takenEmails = new Set(
    (
      await takenKeys(
        tx,
        'emailKey',
        fresh
          .map((u) => u.email)
          .filter(Boolean)
          .map(emailKey),
      )
    ).values(),
  );
  const emailsByUser = new Map<number, DjangoData['emails']>();
  for (const e of data.emails) emailsByUser.set(e.userId, [...(emailsByUser.get(e.userId) ?? []), e]);
  let batch: DjangoUser[] = [];

  for (const [i, row] of fresh.entries()) {
    const { email, verified } = chooseEmail(row, emailsByUser.get(row.id) ?? []);
    const key = email ? emailKey(email) : null;
    const keepEmail = key !== null && !takenEmails.has(key);
    if (key !== null && !keepEmail) summary.emails.dropped.push(row.id);
    if (keepEmail) {
      takenEmails.add(key);
      summary.emails[verified ? 'verified' : 'unverified'] += 1;
    }
    const kind = djangoHashKind(row.password);
    summary.passwords[kind] += 1;
    const user = tx.create(User, {
      username: row.username,
      usernameKey: usernameKey(row.username),
      email: keepEmail ? email : null,
      emailKey: keepEmail ? key : null,
      emailVerified: keepEmail && verified,
      password: kind === 'usable' || (kind === 'unusable' && row.password !== '') ? row.password : PasswordHasher.unusable(),
      firstName: row.firstName.slice(0, 150),
      lastName: row.lastName.slice(0, 150),
      isActive: row.isActive,
      isStaff: row.isStaff,
      isSuperuser: row.isSuperuser,
      dateJoined: row.dateJoined,
      lastLogin: row.lastLogin,
    });
    batch.push(tx.create(DjangoUser, { djangoId: row.id, user }));
    if ((i + 1) % BATCH === 0 || i === fresh.length - 1) {
      await tx.flush();
      for (const link of batch) if (link.user) ids.set(link.djangoId, link.user.id);
      batch = [];
      tx.clear();
      progress('users', i + 1, fresh.length);
    }
  }
  summary.users.created = fresh.length;
  return ids;
}

/** allauth's primary address (its verified flag) or, without one, auth_user.email. */
function chooseEmail(user: DjangoUserRow, addresses: DjangoData['emails']): { email: string | null; verified: boolean } {
  const primary = addresses.find((a) => a.primary) ?? addresses.find((a) => emailKey(a.email) === emailKey(user.email));
  const email = (primary?.email ?? user.email).trim();
  if (!email) return { email: null, verified: false };
  const verified = addresses.some((a) => a.verified && emailKey(a.email) === emailKey(email));
  return { email: email.slice(0, 254), verified };
}

/** Django usernames are case-sensitive, ours are not: two that differ only in case cannot both come over. */
async function assertUsernamesFree(tx: EntityManager, fresh: DjangoUserRow[]): Promise<void> {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const u of fresh) {
    const key = usernameKey(u.username);
    if (seen.has(key)) clashes.push(`"${u.username}" (Django id ${u.id}) and "${seen.get(key)}" in Django`);
    seen.set(key, u.username);
  }
  for (const key of await takenKeys(tx, 'usernameKey', [...seen.keys()])) clashes.push(`"${seen.get(key)}" (already an authql user)`);
  if (clashes.length > 0) {
    throw new DjangoDataError(
      `username conflicts (usernames are unique ignoring case in authql): ${clashes.slice(0, 10).join('; ')}${clashes.length > 10 ? `; and ${clashes.length - 10} more` : ''}`,
    );
  }
}

async function takenKeys(tx: EntityManager, column: 'usernameKey' | 'emailKey', keys: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < keys.length; i += BATCH) {
    const rows = await tx.find(User, { [column]: { $in: keys.slice(i, i + BATCH) } }, { fields: [column] });
    for (const r of rows) {
      const key = r[column];
      if (key) taken.add(key);
    }
  }
  return taken;
}

/** One app per provider in authql: the first Django app of each provider, unless authql already has one. */
async function importApps(tx: EntityManager, data: DjangoData, summary: ImportSummary): Promise<void> {
  const present = new Set((await tx.find(SocialApp, {})).map((a) => a.provider));
  for (const app of data.socialApps) {
    const provider = supported(app.provider, summary, 'apps');
    if (!provider) continue;
    if (present.has(provider)) {
      summary.apps.existing += 1;
      continue;
    }
    present.add(provider);
    tx.create(SocialApp, {
      provider,
      name: (app.name.trim() || provider).slice(0, 40),
      clientId: app.clientId,
      secret: app.secret || null,
      key: app.key || null,
    });
    summary.apps.created.push(provider);
    // allauth does not need these; authql's app-binding checks do (see auth/social-apps.ts).
    if (provider === SocialProvider.KAKAO && !/^\d+$/.test(app.key))
      summary.notes.push('the kakao app has no numeric App ID as its key: set it with updateSocialApp before Kakao sign-in works');
    if (provider === SocialProvider.FACEBOOK && !app.secret)
      summary.notes.push('the facebook app has no App Secret: set it with updateSocialApp before Facebook sign-in works');
  }
  await tx.flush();
}

async function importSocialAccounts(
  tx: EntityManager,
  data: DjangoData,
  userIds: Map<number, number | null>,
  summary: ImportSummary,
  progress: Progress,
): Promise<void> {
  const existing = new Map((await tx.find(SocialAccount, {}, { fields: ['provider', 'uid', 'user'] })).map((a) => [`${a.provider}\u0000${a.uid}`, a.user.id]));
  for (const [i, row] of data.socialAccounts.entries()) {
    const provider = supported(row.provider, summary, 'accounts');
    if (provider) {
      const userId = userIds.get(row.userId);
      if (userId === undefined) throw new DjangoDataError(`socialaccount_socialaccount id ${row.id}: user_id ${row.userId} is not in auth_user`);
      const owner = existing.get(`${provider}\u0000${row.uid}`);
      if (owner !== undefined && owner !== userId) {
        throw new DjangoDataError(
          `socialaccount_socialaccount id ${row.id}: ${provider} uid ${row.uid} is already linked to another authql user (id ${owner})`,
        );
      }
      if (owner !== undefined || userId === null) summary.accounts.existing += 1;
      else {
        tx.create(SocialAccount, {
          provider,
          uid: row.uid,
          user: tx.getReference(User, userId),
          dateJoined: row.dateJoined,
          lastLogin: row.lastLogin,
          extraData: row.extraData,
        });
        existing.set(`${provider}\u0000${row.uid}`, userId);
        summary.accounts.created += 1;
      }
    }
    if ((i + 1) % BATCH === 0 || i === data.socialAccounts.length - 1) {
      await tx.flush();
      tx.clear();
      progress('social accounts', i + 1, data.socialAccounts.length);
    }
  }
}

/** Django provider ids are ours lower-cased ('kakao', 'facebook'); others are counted and skipped. */
function supported(djangoProvider: string, summary: ImportSummary, what: 'apps' | 'accounts'): SocialProvider | null {
  const provider = parseProvider(djangoProvider);
  if (!provider) {
    summary.skippedProviders[djangoProvider] ??= { apps: 0, accounts: 0 };
    summary.skippedProviders[djangoProvider][what] += 1;
  }
  return provider;
}
