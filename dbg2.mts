import postgres from 'postgres';
import { startTemporaryPostgres } from './src/kernel/db/embedded.js';
const pg = await startTemporaryPostgres('dbg2');
const a = postgres(pg.adminUrl, { max: 5, onnotice: () => {} });
const sql = postgres(pg.adminUrl, { max: 6, onnotice: () => {}, connect_timeout: 1, backoff: (r: number) => Math.min(0.05 * 2 ** r, 1), connection: { application_name: 'dbgapp' } });
await a`create table t (id int primary key, v int)`; await a`insert into t values (1,0),(2,0),(3,0)`;
const holders = [1, 2, 3].map((id) => { let rel!: () => void; const p = new Promise<void>((r) => (rel = r)); const d = a.begin(async (t) => { await t`select * from t where id = ${id} for update`; await p; }); d.catch(() => {}); return rel; });
await new Promise((r) => setTimeout(r, 300));
const pend = [1, 2, 3].map((id) => sql.begin(async (t) => { await t`select 1`; await t`update t set v = v + 1 where id = ${id}`; }).then(() => 'ok', (e) => e.code));
await new Promise((r) => setTimeout(r, 300));
console.log('waiting', await a`select count(*) from pg_stat_activity where wait_event_type = 'Lock'`.catch(e => e.code));
const t0 = Date.now();
await pg.halt();
console.log('halted', Date.now() - t0, await Promise.all(pend));
holders.forEach((r) => r());
await pg.resume();
console.log('resumed');
for (let i = 0; i < 40; i++) {
  const r = await Promise.all([1, 2, 3, 4].map(() => sql.begin(async (t) => t`select 1 as x`).then(() => 'ok', (e) => e.code)));
  console.log(i, Date.now() - t0, r.join(','));
  if (r.every((x) => x === 'ok')) break;
  await new Promise((r) => setTimeout(r, 250));
}
await sql.end({ timeout: 1 }); await a.end({ timeout: 1 }); await pg.stop();
