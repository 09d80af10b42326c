// SocialApp management over GraphQL: staff list, superusers change; the
// secret write-only; the same rules from the CLI functions against a real
// SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, UsageError } from '../../src/cli/args';
import { SOCIALAPP_UPDATE_OPTIONS, socialAppAdd, socialAppList, socialAppRemove, socialAppUpdate } from '../../src/cli/socialapp';
import { type Orm, openOrm } from '../../src/db/orm';
import { SocialApp, SocialProvider, User } from '../../src/entities';
import { FACEBOOK_APP } from '../helpers/fake-facebook';
import { KAKAO_APP_ID } from '../helpers/fake-kakao';
import { registerUser } from '../helpers/fixtures';
import { errorCode, firstError } from '../helpers/server';
import { CREATE_APP, DELETE_APP, newToken, SOCIAL_APPS, socialLogin, UPDATE_APP, updateUser, useSocialServer } from '../helpers/social';

const KAKAO_INPUT = { provider: 'KAKAO', name: 'Kakao', clientId: 'kakao-rest-api-key', key: String(KAKAO_APP_ID), secret: 'kakao-client-secret' };
const FACEBOOK_INPUT = { provider: 'FACEBOOK', name: 'Facebook', clientId: FACEBOOK_APP.id, secret: FACEBOOK_APP.secret };

const s = useSocialServer({}, { apps: false });
let staff: string;
let member: string;
let root: string;

beforeAll(async () => {
  const st = await registerUser(s.server);
  await updateUser(s.server, st.user.id, { isStaff: true });
  staff = st.token;
  member = (await registerUser(s.server)).token;
  const su = await registerUser(s.server);
  await s.server.app.orm.em.fork().nativeUpdate(User, { id: Number(su.user.id) }, { isStaff: true, isSuperuser: true });
  root = su.token;
});
describe('over GraphQL', () => {
  test('anonymous callers are UNAUTHENTICATED and non-staff are FORBIDDEN, for every operation', async () => {
    const ops: Array<[string, Record<string, unknown>]> = [
      [SOCIAL_APPS, {}],
      [CREATE_APP, { input: KAKAO_INPUT }],
      [UPDATE_APP, { id: '1', input: KAKAO_INPUT }],
      [DELETE_APP, { id: '1' }],
    ];
    for (const [query, variables] of ops) {
      expect(errorCode(await s.server.gql(query, variables))).toBe('UNAUTHENTICATED');
      expect(errorCode(await s.server.gql(query, variables, { token: member }))).toBe('FORBIDDEN');
    }
    expect(await s.server.app.orm.em.fork().count(SocialApp)).toBe(0);
  });

  test('staff may list apps but not create, update or delete them (superusers only)', async () => {
    expect((await s.server.gql(SOCIAL_APPS, {}, { token: staff })).data.socialApps).toEqual([]);
    for (const [query, variables] of [
      [CREATE_APP, { input: KAKAO_INPUT }],
      [UPDATE_APP, { id: '1', input: KAKAO_INPUT }],
      [DELETE_APP, { id: '1' }],
    ] as const) {
      expect(errorCode(await s.server.gql(query, variables, { token: staff }))).toBe('FORBIDDEN');
    }
    expect(await s.server.app.orm.em.fork().count(SocialApp)).toBe(0);
  });

  test('superusers create, list, update and delete apps; the secret never comes back', async () => {
    const created = await s.server.gql(CREATE_APP, { input: KAKAO_INPUT }, { token: root });
    expect(created.errors).toBeUndefined();
    const app = created.data.createSocialApp;
    expect(app).toEqual({
      id: expect.any(String),
      provider: 'KAKAO',
      name: 'Kakao',
      clientId: 'kakao-rest-api-key',
      extraClientIds: [],
      key: String(KAKAO_APP_ID),
      hasSecret: true,
    });
    expect(JSON.stringify(created)).not.toContain(KAKAO_INPUT.secret);
    expect(errorCode(await s.server.gql('{ socialApps { secret } }', {}, { token: root }))).toBe('GRAPHQL_VALIDATION_FAILED');

    // Update without a secret keeps it; "" clears it.
    const renamed = await s.server.gql(UPDATE_APP, { id: app.id, input: { ...KAKAO_INPUT, name: 'Kakao (prod)', secret: null } }, { token: root });
    expect(renamed.data.updateSocialApp).toMatchObject({ name: 'Kakao (prod)', hasSecret: true });
    const cleared = await s.server.gql(UPDATE_APP, { id: app.id, input: { ...KAKAO_INPUT, secret: '' } }, { token: root });
    expect(cleared.data.updateSocialApp.hasSecret).toBe(false);

    const list = await s.server.gql(SOCIAL_APPS, {}, { token: root });
    expect(list.data.socialApps).toEqual([expect.objectContaining({ id: app.id, provider: 'KAKAO' })]);

    expect((await s.server.gql(DELETE_APP, { id: app.id }, { token: root })).data.deleteSocialApp).toBe(true);
    expect((await s.server.gql(DELETE_APP, { id: app.id }, { token: root })).data.deleteSocialApp).toBe(false);
    expect(firstError(await s.server.gql(UPDATE_APP, { id: app.id, input: KAKAO_INPUT }, { token: root }))?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
  });

  test.each([
    ['a Kakao app without its numeric App ID', { ...KAKAO_INPUT, key: null }, 'key'],
    ['a Kakao app whose key is not numeric', { ...KAKAO_INPUT, key: 'abc' }, 'key'],
    ['a Facebook app without its secret', { ...FACEBOOK_INPUT, secret: null }, 'secret'],
    ['a Facebook app whose App ID is not numeric', { ...FACEBOOK_INPUT, clientId: 'fb-app' }, 'clientId'],
    ['an empty name', { ...KAKAO_INPUT, name: '  ' }, 'name'],
    ['a client id with spaces', { ...KAKAO_INPUT, clientId: 'a b' }, 'clientId'],
    ['an extra client id with spaces', { ...KAKAO_INPUT, extraClientIds: ['ok', 'not ok'] }, 'extraClientIds'],
    ['eleven extra client ids', { ...KAKAO_INPUT, extraClientIds: Array.from({ length: 11 }, (_, i) => `id${i}`) }, 'extraClientIds'],
  ])('%s is BAD_USER_INPUT naming the field', async (_label, input, field) => {
    const res = await s.server.gql(CREATE_APP, { input }, { token: root });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  test('extra client IDs are trimmed, deduplicated and listed; the primary one is not repeated', async () => {
    const input = {
      provider: 'GOOGLE',
      name: 'Google',
      clientId: 'web.apps.googleusercontent.com',
      extraClientIds: [' ios.apps.googleusercontent.com ', 'ios.apps.googleusercontent.com', 'web.apps.googleusercontent.com'],
    };
    const created = await s.server.gql(CREATE_APP, { input }, { token: root });
    expect(created.data.createSocialApp).toMatchObject({ provider: 'GOOGLE', extraClientIds: ['ios.apps.googleusercontent.com'] });
    const cleared = await s.server.gql(UPDATE_APP, { id: created.data.createSocialApp.id, input: { ...input, extraClientIds: null } }, { token: root });
    expect(cleared.data.updateSocialApp.extraClientIds).toEqual([]);
    await s.server.gql(DELETE_APP, { id: created.data.createSocialApp.id }, { token: root });
  });

  test('apps created over GraphQL are what sign-in uses; one app per provider', async () => {
    for (const input of [KAKAO_INPUT, FACEBOOK_INPUT]) {
      expect((await s.server.gql(CREATE_APP, { input }, { token: root })).errors).toBeUndefined();
    }
    const dup = await s.server.gql(CREATE_APP, { input: { ...FACEBOOK_INPUT, name: 'Second' } }, { token: root });
    expect(firstError(dup)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'provider' });

    const kakao = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: { id: 8100000001, nickname: 'k' } }));
    expect(kakao.errors).toBeUndefined();
    const fb = await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user: { id: '8100000002', name: 'f' } }));
    expect(fb.errors).toBeUndefined();

    // An update that leaves the secret out keeps Facebook working.
    const apps = (await s.server.gql(SOCIAL_APPS, {}, { token: root })).data.socialApps;
    const fbApp = apps.find((a: { provider: string }) => a.provider === 'FACEBOOK');
    await s.server.gql(UPDATE_APP, { id: fbApp.id, input: { ...FACEBOOK_INPUT, secret: undefined, name: 'FB' } }, { token: root });
    expect((await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user: { id: '8100000002', name: 'f' } }))).errors).toBeUndefined();
  });
});

describe('the CLI commands', () => {
  let dir: string;
  let orm: Orm;
  // Every socialapp flag (update's set is the widest); strict, as manage parses them.
  const run = (argv: string[]) => parseFlags('socialapp', argv, SOCIALAPP_UPDATE_OPTIONS).flags;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'authql-socialapp-'));
    orm = await openOrm(`sqlite:${join(dir, 'cli.sqlite')}`, { migrate: true });
  });
  afterAll(async () => {
    await orm.close(true);
    rmSync(dir, { recursive: true, force: true });
  });

  test('add, list and remove, never printing the secret', async () => {
    const added = await socialAppAdd(orm, run(['--provider', 'kakao', '--name', 'Kakao', '--client-id', 'rest-key', '--key', '123', '--secret', 'sssh']));
    expect(added).toMatch(/^Social app created: #\d+ kakao "Kakao" client-id=rest-key key=123 secret=set$/);
    await socialAppAdd(orm, run(['--provider=FACEBOOK', '--name', 'FB', '--client-id', '555', '--secret', 'fb-secret']));
    const list = await socialAppList(orm);
    expect(list.split('\n')).toHaveLength(2);
    expect(list).toContain('facebook "FB" client-id=555 secret=set');
    expect(list).not.toMatch(/sssh|fb-secret/);

    const google = await socialAppAdd(orm, run(['--provider', 'google', '--name', 'G', '--client-id', 'web', '--extra-client-ids', 'ios,android']));
    expect(google).toMatch(/google "G" client-id=web extra-client-ids=ios,android secret=not set$/);
    await socialAppRemove(orm, run(['--provider', 'google']));
    expect(await socialAppRemove(orm, run(['--provider', 'kakao']))).toMatch(/^Social app removed: #\d+ kakao "Kakao"/);
    const fbId = (await orm.em.fork().findOneOrFail(SocialApp, { name: 'FB' })).id;
    await expect(socialAppRemove(orm, run(['--provider', 'facebook', '--name', 'Other']))).rejects.toThrow('No social app matches.');
    expect(await socialAppRemove(orm, run(['--id', String(fbId)]))).toContain('"FB"');
    expect(await socialAppList(orm)).toBe('No social apps.');
  });

  test.each([
    [['--name', 'K', '--client-id', 'c'], /--provider must be one of kakao, facebook/],
    [['--provider', 'github', '--name', 'K', '--client-id', 'c'], /--provider must be one of kakao, facebook, google, apple, naver, line$/],
    [['--provider', 'kakao', '--client-id', 'c', '--key', '1'], /--name is required/],
    [['--provider', 'kakao', '--name', 'K', '--client-id', 'c'], /^key: Kakao needs the app's numeric App ID/],
    [['--provider', 'facebook', '--name', 'F', '--client-id', '1'], /^secret: Facebook needs the App Secret/],
  ])('add %j is a usage error', async (argv, message) => {
    const err = await socialAppAdd(orm, run(argv)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });

  test('a second app for a provider is refused; remove needs --id or --provider', async () => {
    await socialAppAdd(orm, run(['--provider', 'kakao', '--name', 'K', '--client-id', 'c', '--key', '1']));
    await expect(socialAppAdd(orm, run(['--provider', 'kakao', '--name', 'K2', '--client-id', 'c', '--key', '2']))).rejects.toThrow(
      /^provider: An app for this provider already exists/,
    );
    await expect(socialAppRemove(orm, run([]))).rejects.toThrow(/give --id X, or --provider P/);
    await expect(socialAppRemove(orm, run(['--id', 'x']))).rejects.toThrow('--id must be a number');
  });

  test('update changes only the flags given, through the same rules as updateSocialApp', async () => {
    await socialAppAdd(orm, run(['--provider', 'facebook', '--name', 'FB', '--client-id', '777', '--secret', 'fb-secret-1']));
    await expect(socialAppAdd(orm, run(['--provider', 'facebook', '--name', 'FB2', '--client-id', '778', '--secret', 's']))).rejects.toThrow(
      'Use: npm run manage -- socialapp:update --provider facebook',
    );
    expect(await socialAppUpdate(orm, run(['--provider', 'facebook', '--name', 'Facebook app']))).toMatch(
      /^Social app updated: #\d+ facebook "Facebook app" client-id=777 secret=set$/,
    );
    const stored = await orm.em.fork().findOneOrFail(SocialApp, { provider: SocialProvider.FACEBOOK });
    expect(stored.secret).toBe('fb-secret-1');
    await expect(socialAppUpdate(orm, run(['--provider', 'facebook', '--secret', '']))).rejects.toThrow(/^secret: Facebook needs the App Secret/);
    await expect(socialAppUpdate(orm, run(['--provider', 'facebook']))).rejects.toThrow(/^nothing to change: give at least one of --name/);
    await expect(socialAppUpdate(orm, run(['--provider', 'naver', '--name', 'N']))).rejects.toThrow('No social app matches.');
    expect(await socialAppUpdate(orm, run(['--id', String(stored.id), '--extra-client-ids', 'a,b']))).toContain('extra-client-ids=a,b');
  });
});
