// Loading an entity must not make it dirty. A date property declared with
// type 'datetime' was compared with equals() against its snapshot (MikroORM
// 6.6: a Date against SQLite's number), so every flush rewrote every loaded
// date: each refresh updated its user's date_joined and its session's dates.

import { ReferenceKind } from '@mikro-orm/core';
import { Session, User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.stop());

test('every date property is declared as Date, which MikroORM compares by value', () => {
  for (const meta of Object.values(s.app.orm.getMetadata().getAll())) {
    for (const prop of meta.props) {
      if (prop.kind !== ReferenceKind.SCALAR || prop.runtimeType !== 'Date') continue;
      expect(`${meta.className}.${prop.name}: ${prop.type}`).toBe(`${meta.className}.${prop.name}: Date`);
    }
  }
});

test('a user and a session loaded from the database have nothing to write', async () => {
  const registered = await registerUser(s);
  const em = s.app.orm.em.fork();
  const user = await em.findOneOrFail(User, { username: registered.user.username });
  expect(await em.find(Session, { user }, { populate: ['user'] })).toHaveLength(1);
  const uow = em.getUnitOfWork();
  uow.computeChangeSets();
  expect(uow.getChangeSets().map((cs) => `${cs.type} ${cs.name} ${JSON.stringify(cs.payload)}`)).toEqual([]);
});
