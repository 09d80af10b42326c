// The column lists that load users by hand (the viewer's knex query, the
// users page's plain rows) come from MikroORM's metadata: a new column is
// read everywhere, and a hand list that disagrees with the entity fails here.

import type { IncomingMessage } from 'node:http';
import type { EntityMetadata, EntityProperty } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { User } from '../../src/entities';
import { loadedColumns } from '../../src/entities/loaded-columns';
import { createContext } from '../../src/graphql/context';
import { loadViewer } from '../../src/sessions/access';
import { registerUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.stop());

const userMeta = () => s.app.orm.getMetadata().get(User.name) as EntityMetadata<User>;

test('users are loaded with every persisted column of the entity but the password hash', () => {
  const meta = userMeta();
  const persisted = meta.props.filter((p) => p.persist !== false).map((p) => p.name);
  const { properties, columns } = loadedColumns(meta);
  expect([...properties].sort()).toEqual(persisted.filter((name) => name !== 'password').sort());
  expect(properties).toEqual(expect.arrayContaining(['usernameKey', 'emailKey', 'tokenVersion', 'lastLogin']));
  expect(columns).toEqual(properties.map((name) => (meta.properties as Record<string, EntityProperty>)[name].fieldNames[0]));
  expect(columns).not.toContain('password');
});

test('a property added to the entity joins the lists; a lazy or hidden one does not', () => {
  const meta = userMeta();
  const extra = (name: string, more: Partial<EntityProperty>) =>
    ({ ...meta.properties.firstName, name, fieldNames: [name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)], ...more }) as EntityProperty;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(meta)), meta, {
    props: [...meta.props, extra('nickname', {}), extra('recoverySecret', { hidden: true, lazy: true }), extra('apiNote', { hidden: true })],
  }) as EntityMetadata;
  const { properties, columns } = loadedColumns(copy);
  expect(properties).toContain('nickname');
  expect(columns).toContain('nickname');
  expect(properties).not.toContain('recoverySecret');
  expect(properties).not.toContain('apiNote');
});

test('the viewer and a users page carry every loaded property (none reads as undefined)', async () => {
  const u = await registerUser(s);
  const em = s.app.orm.em.fork() as SqlEntityManager;
  const { properties } = loadedColumns(userMeta());
  const claims = s.app.services.jwt.verifyOrThrow(u.token);
  const viewer = await loadViewer(em, claims);
  if (!('user' in viewer)) throw new Error(`viewer not loaded: ${viewer.reason}`);
  const plain = await loadViewer(em, claims, { managed: false });
  if (!('user' in plain)) throw new Error(`viewer not loaded: ${plain.reason}`);
  const page = await s.app.services.users.page(em, viewer.user, { first: 100 });
  const row = page.users.find((p) => p.id === viewer.user.id);
  for (const name of properties) {
    for (const loaded of [viewer.user, plain.user, row]) expect([name, (loaded as unknown as Record<string, unknown>)[name]]).not.toEqual([name, undefined]);
  }
  // The same values either way, with MikroORM's conversions (dates as Date, booleans as booleans).
  expect({ ...plain.user }).toEqual(
    expect.objectContaining(Object.fromEntries(properties.map((name) => [name, (viewer.user as unknown as Record<string, unknown>)[name]]))),
  );
  expect(plain.user).toBeInstanceOf(User);
  expect(em.getUnitOfWork().getById(User.name, plain.user.id)).toBe(viewer.user);
});

test('a read-only request gets its viewer as a plain object; any other gets a managed one, which a mutation writes back', async () => {
  const u = await registerUser(s);
  const viewerOf = async (readOnly: boolean | undefined) => {
    const ctx = createContext(s.app.services, { headers: {} } as IncomingMessage, '127.0.0.1', { accessToken: u.token });
    ctx.request.readOnly = readOnly;
    const viewer = await ctx.requireViewer();
    return { viewer, inIdentityMap: ctx.em.getUnitOfWork().getById(User.name, viewer.id) === viewer };
  };
  const plain = await viewerOf(true);
  expect(plain.viewer).toBeInstanceOf(User);
  expect(plain.viewer.username).toBe(u.user.username);
  expect(plain.inIdentityMap).toBe(false);
  expect((await viewerOf(false)).inIdentityMap).toBe(true);
  // Unset (the REST endpoints, anything that does not say): managed.
  expect((await viewerOf(undefined)).inIdentityMap).toBe(true);
  // Over HTTP: a mutation changes its viewer and the change is written; a query reads it back.
  const changed = await s.gql('mutation($i: UpdateMeInput!) { updateMe(input: $i) { firstName } }', { i: { firstName: 'Plain' } }, { token: u.token });
  expect(changed.data.updateMe.firstName).toBe('Plain');
  const again = await s.gql('query { me { id firstName } }', {}, { token: u.token });
  expect(again.data.me).toEqual({ id: u.user.id, firstName: 'Plain' });
});

test('a query reads its viewer and its page without forking an EntityManager; a mutation forks one', async () => {
  const u = await registerUser(s);
  const root = s.app.services.orm.em;
  // Forks made for a request come from its context (graphql/context.ts); the background workers fork the root one too, on their own clock.
  const original = root.fork;
  const stacks: string[] = [];
  const spy = jest.spyOn(root, 'fork').mockImplementation(function (this: typeof root, ...args) {
    stacks.push(new Error().stack ?? '');
    return original.apply(this, args);
  });
  const requestForks = () => stacks.filter((stack) => /graphql[/\\]context/.test(stack)).length;
  try {
    const ctxOf = (readOnly: boolean | undefined) => {
      const ctx = createContext(s.app.services, { headers: {} } as IncomingMessage, '127.0.0.1', { accessToken: u.token });
      ctx.request.readOnly = readOnly;
      return ctx;
    };
    const query = ctxOf(true);
    expect(query.reader).toBe(root);
    const viewer = await query.requireViewer();
    await s.app.services.users.page(query.reader, viewer, { first: 5 });
    expect(requestForks()).toBe(0);
    const mutation = ctxOf(false);
    expect(mutation.reader).toBe(mutation.em);
    await mutation.requireViewer();
    expect(requestForks()).toBe(1);
    // Over HTTP: a users page and `me` fork nothing; a mutation does.
    const before = requestForks();
    const page = await s.gql('query { me { id } users(first: 3) { edges { node { id email } } } }', {}, { token: u.token });
    expect(page.errors).toBeUndefined();
    expect(page.data.users.edges.length).toBeGreaterThan(0);
    expect(requestForks()).toBe(before);
    await s.gql('mutation($i: UpdateMeInput!) { updateMe(input: $i) { firstName } }', { i: { firstName: 'Forked' } }, { token: u.token });
    expect(requestForks()).toBeGreaterThan(before);
  } finally {
    spy.mockRestore();
  }
});
