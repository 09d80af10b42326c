// Crash mid-rotation: clients refresh continuously (each its own session,
// and pairs of app instances sharing one token store) while the server is
// SIGKILLed at random moments and restarted. Every client then carries on
// with the last pair it received. Afterwards: no session lost, no session
// with two live successors, no half-written rows, and a revoked session's
// access token is refused (also across a kill right after the revocation).
//
// JWT_REFRESH_REUSE_INTERVAL is 0 here, so every restart is "longer than the
// grace window": what keeps a client whose answer was lost signed in is the
// retry rule (the successor has never been used; JWT_REFRESH_RETRY_WINDOW).
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { REFRESH, REGISTER, REVOKE } from '../helpers/operations';
import { PROTECTED } from './helpers/accounts';
import { DIALECTS, type FaultDatabase, faultDatabase, rowProblems } from './helpers/databases';
import { inBatches, Restartable } from './helpers/fleet';
import { call, type Outcome, Tally } from './helpers/http';
import { ms, record, Violations } from './helpers/results';
import { faultEnv } from './helpers/server';
import { randomBetween, size, sleep } from './helpers/sizes';

const SOLO = size('FAULTS_CRASH_CLIENTS', 40, 8);
const PAIRS = size('FAULTS_CRASH_PAIRS', 10, 2);
const KILLS = size('FAULTS_CRASH_KILLS', 25, 5);
/** Successful refreshes between a restart and the next kill (then a random extra moment). */
const PER_ROUND = size('FAULTS_CRASH_REFRESHES_PER_ROUND', 80, 20);

interface Holder {
  name: string;
  refresh: string;
  access: string;
  lost: boolean;
}

const describeOutcome = (o: Outcome) => (o.kind === 'error' ? `${o.code}${o.reason ? `/${o.reason}` : ''}` : o.kind);
/** What a client may see while the server is being killed: no answer, or "try again". */
const transient = (o: Outcome) => o.kind === 'network' || (o.kind === 'error' && o.code === 'SERVICE_UNAVAILABLE');

describe.each(DIALECTS)('crash mid-rotation (%s)', (dialect) => {
  let db: FaultDatabase;
  let fleet: Restartable;
  afterAll(async () => {
    await fleet?.kill();
    await db?.drop();
  });

  test(`${KILLS} SIGKILLs under ${SOLO} refreshing clients and ${PAIRS} pairs: nothing lost, nothing doubled`, async () => {
    db = await faultDatabase(dialect);
    fleet = new Restartable(faultEnv(db.url, { JWT_REFRESH_REUSE_INTERVAL: '0' }));
    const first = await fleet.start();
    const tally = new Tally();
    const v = new Violations();

    const holders = await inBatches(SOLO + PAIRS, 4, async (i): Promise<Holder> => {
      const name = `crash${i}`;
      const o = await call(first.url, REGISTER, { input: { username: name, email: `${name}@example.test`, password: GOOD_PASSWORD } });
      if (o.kind !== 'ok') throw new Error(`register ${name}: ${describeOutcome(o)}`);
      return { name, refresh: o.data.register.refreshToken, access: o.data.register.token, lost: false };
    });
    const solos = holders.slice(0, SOLO);
    const pairs = holders.slice(SOLO);

    let stopping = false;
    let roundOk = 0;
    let served = 0;
    const accept = (h: Holder, pair: { refreshToken: string; token: string }) => {
      h.refresh = pair.refreshToken;
      h.access = pair.token;
      roundOk += 1;
      served += 1;
    };
    const lose = (h: Holder, why: string) => {
      v.check(false, `${h.name}: ${why}`);
      h.lost = true;
    };

    const soloLoop = async (h: Holder) => {
      for (let n = 0; !stopping && !h.lost; n++) {
        const o = await call(await fleet.url(), REFRESH, { refreshToken: h.refresh });
        tally.add(o);
        if (o.kind === 'ok') {
          accept(h, o.data.refreshToken);
          if (n % 10 === 0) {
            // The new access token works (unless the server died meanwhile).
            const me = await call(await fleet.url(), PROTECTED, {}, { token: h.access });
            tally.add(me);
            if (me.kind === 'ok') served += 1;
            else if (!transient(me)) lose(h, `a fresh access token: ${describeOutcome(me)}`);
          }
        } else if (transient(o)) await sleep(20);
        else lose(h, `refresh: ${describeOutcome(o)}`);
      }
    };
    // Two app instances sharing one stored token wake together and both refresh with it.
    const pairLoop = async (h: Holder) => {
      while (!stopping && !h.lost) {
        const url = await fleet.url();
        const both = await Promise.all([0, 1].map(() => call(url, REFRESH, { refreshToken: h.refresh })));
        for (const o of both) tally.add(o);
        const oks = both.filter((o): o is Extract<Outcome, { kind: 'ok' }> => o.kind === 'ok');
        if (oks.length === 2 && oks[0].data.refreshToken.refreshToken !== oks[1].data.refreshToken.refreshToken) {
          lose(h, 'two different successors handed out for one token');
        }
        const bad = both.find((o) => o.kind !== 'ok' && !transient(o));
        if (bad) lose(h, `pair refresh: ${describeOutcome(bad)}`);
        else if (oks.length) accept(h, oks[0].data.refreshToken);
        else await sleep(20);
      }
    };
    const loops = [...solos.map(soloLoop), ...pairs.map(pairLoop)];

    let kills = 0;
    for (; kills < KILLS && holders.some((h) => !h.lost); kills++) {
      roundOk = 0;
      while (roundOk < PER_ROUND && holders.some((h) => !h.lost)) await sleep(10);
      await sleep(randomBetween(0, 150)); // a random moment, with many rotations in flight
      await fleet.kill();
      await fleet.start();
    }
    stopping = true;
    await Promise.all(loops);

    // Every client carries on with the last pair it received.
    const url = await fleet.url();
    for (const h of holders.filter((x) => !x.lost)) {
      const o = await call(url, REFRESH, { refreshToken: h.refresh });
      tally.add(o);
      if (o.kind === 'ok') accept(h, o.data.refreshToken);
      else lose(h, `final refresh: ${describeOutcome(o)}`);
    }
    for (const p of await rowProblems(db)) v.check(false, p);
    const revokedByReuse = Number((await db.query('select count(*) as n from sessions where revoked_at is not null'))[0].n);
    v.check(revokedByReuse === 0, `${revokedByReuse} sessions ended by reuse detection`);

    // Revoke half, kill at once, restart: the revoked sessions' access tokens are refused, the others accepted.
    const live = holders.filter((h) => !h.lost);
    const revoked = live.filter((_, i) => i % 2 === 0);
    for (const h of revoked) {
      const o = await call(url, REVOKE, { refreshToken: h.refresh });
      v.check(o.kind === 'ok' && o.data.revokeToken === true, `${h.name}: revoke: ${describeOutcome(o)}`);
    }
    await fleet.kill();
    const after = await fleet.start();
    for (const h of live) {
      const o = await call(after.url, PROTECTED, {}, { token: h.access });
      if (revoked.includes(h)) v.check(o.kind === 'error' && o.code === 'UNAUTHENTICATED', `${h.name}: revoked session's access token: ${describeOutcome(o)}`);
      else v.check(o.kind === 'ok', `${h.name}: live session's access token: ${describeOutcome(o)}`);
    }
    for (const p of await rowProblems(db)) v.check(false, `after revocations: ${p}`);
    for (const o of ['INTERNAL_SERVER_ERROR', 'hang', 'garbled']) v.check(tally.get(o) === 0, `${tally.get(o)} ${o}`);

    const starts = fleet.startTimes.slice(1);
    record({
      scenario: 'crash mid-rotation',
      database: dialect,
      load: `${SOLO} clients + ${PAIRS} pairs refreshing`,
      faults: `${kills + 1} SIGKILL`,
      served,
      errors: tally.errors(),
      violations: v.count,
      recovery: `restart ${ms(Math.max(...starts))} max, ${ms(starts.reduce((a, b) => a + b, 0) / starts.length)} mean`,
    });
    expect(v.seen).toEqual([]);
    expect(kills).toBe(KILLS);
  }, 3_600_000);
});
