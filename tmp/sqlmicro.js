const { seed } = require('/work/wt/fast14/bench/seed');
const Database = require('better-sqlite3');
(async () => {
  const file = '/tmp/micro.sqlite3';
  require('fs').rmSync(file, { force: true });
  const env = { ...process.env, DATABASE_URL: `sqlite:///${file}`, NODE_ENV: 'production', METRICS_TOKEN: 'm'.repeat(32), JWT_SECRET_KEY: 'x'.repeat(40) };
  await seed({ env, users: 20000, sessions: 10 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const cols = db.prepare("select name from pragma_table_info('users')").all().map((r) => r.name).filter((c) => c !== 'password');
  const ours = db.prepare(`select ${cols.map((c) => `"${c}"`).join(', ')} from users where id > ? order by id asc limit ?`);
  const base = db.prepare('select id, username, email, email_verified, first_name, last_name, is_active, is_staff, is_superuser, date_joined, last_login from users where id > ? order by id limit ?');
  for (const [name, st] of [['ours', ours], ['base', base], ['ours', ours], ['base', base]]) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < 20000; i++) st.all(0, 21);
    console.log(name, cols.length, Number(process.hrtime.bigint() - t) / 20000 / 1000, 'µs');
  }
  console.log(cols.join(','));
})();
