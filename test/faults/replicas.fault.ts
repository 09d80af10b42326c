// Several replicas: three server processes on one PostgreSQL database and
// one Redis behind a round-robin HTTP proxy (helpers/replicas.ts: every request
// to the next live replica, so a refresh on one is followed by the next on
// another). Clients refresh continuously while a random replica is SIGKILLed
// and restarted; the same invariants as the single-server crash scenario.
import { REFRESH } from '../helpers/operations';
import { PROTECTED, registerAccounts } from './helpers/accounts';
import { DIALECTS, rowProblems } from './helpers/databases';
import { call, type Outcome, Tally } from './helpers/http';
import { hasRedis } from './helpers/redis';
import { startFleet } from './helpers/replicas';
import { ms, record, Violations } from './helpers/results';
import { randomBetween, size, sleep } from './helpers/sizes';

const REPLICAS = size('FAULTS_REPLICAS', 3, 3);
const CLIENTS = size('FAULTS_REPLICAS_CLIENTS', 30, 8);
const KILLS = size('FAULTS_REPLICAS_KILLS', 10, 3);
const PER_ROUND = size('FAULTS_REPLICAS_REFRESHES_PER_ROUND', 80, 20);

const run = hasRedis && DIALECTS.includes('postgresql') ? test : test.skip;

run(
  `${REPLICAS} replicas on PostgreSQL + Redis behind round-robin: ${KILLS} replica kills under ${CLIENTS} refreshing clients`,
  async () => {
    const fleet = await startFleet(REPLICAS, { JWT_REFRESH_REUSE_INTERVAL: '0' });
    const { replicas, db } = fleet;
    const v = new Violations();
    const tally = new Tally();
    try {
      const accounts = await registerAccounts(fleet.url, 'replica', CLIENTS);
      let stopping = false;
      let roundOk = 0;
      const lost = new Set<string>();
      const transient = (o: Outcome) => o.kind === 'network' || (o.kind === 'error' && o.code === 'SERVICE_UNAVAILABLE');
      const loops = accounts.map(async (a, i) => {
        for (let n = 0; !stopping && !lost.has(a.name); n++) {
          const o = await call(fleet.url, REFRESH, { refreshToken: a.refresh });
          tally.add(o);
          if (o.kind === 'ok') {
            a.refresh = o.data.refreshToken.refreshToken;
            a.access = o.data.refreshToken.token;
            roundOk += 1;
            if ((n + i) % 5 === 0) {
              const check = await call(fleet.url, PROTECTED, {}, { token: a.access });
              tally.add(check);
              if (!transient(check) && check.kind !== 'ok') v.check(false, `${a.name}: fresh access token refused: ${JSON.stringify(check)}`);
            }
          } else if (transient(o)) await sleep(20);
          else {
            lost.add(a.name);
            v.check(false, `${a.name}: refresh: ${o.kind === 'error' ? o.code : o.kind}`);
          }
        }
      });
      const restarts: number[] = [];
      let kills = 0;
      for (; kills < KILLS && lost.size < accounts.length; kills++) {
        roundOk = 0;
        while (roundOk < PER_ROUND && lost.size < accounts.length) await sleep(10);
        await sleep(randomBetween(0, 150));
        const victim = replicas[Math.floor(Math.random() * replicas.length)];
        await victim.kill();
        restarts.push((await victim.start()).startMs);
      }
      stopping = true;
      await Promise.all(loops);
      for (const a of accounts.filter((x) => !lost.has(x.name))) {
        const o = await call(fleet.url, REFRESH, { refreshToken: a.refresh });
        tally.add(o);
        v.check(o.kind === 'ok', `${a.name}: final refresh: ${o.kind === 'error' ? o.code : o.kind}`);
      }
      for (const p of await rowProblems(db)) v.check(false, p);
      const ended = Number((await db.query('select count(*) as n from sessions where revoked_at is not null'))[0].n);
      v.check(ended === 0, `${ended} sessions ended by reuse detection`);
      for (const o of ['INTERNAL_SERVER_ERROR', 'hang', 'garbled']) v.check(tally.get(o) === 0, `${tally.get(o)} ${o}`);
      record({
        scenario: 'replicas: kill one mid-load',
        database: 'postgresql + redis',
        load: `${CLIENTS} clients refreshing through a round-robin proxy over ${REPLICAS} replicas`,
        faults: `${kills} replica SIGKILL`,
        served: tally.get('ok'),
        errors: tally.errors(),
        violations: v.count,
        recovery: `replica restart ${ms(Math.max(...restarts))} max; the others kept serving`,
      });
      expect(v.seen).toEqual([]);
    } finally {
      await fleet.close();
    }
  },
  3_600_000,
);
