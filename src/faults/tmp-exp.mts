import fs from 'node:fs';
import { beacon, pgliteDb, withOpen, postgresDb } from './support';
import { addPartnership } from '../features/partnerships/partnerships.service';
const which = process.argv[2];
const db = which === 'pg' ? await postgresDb('postgres://postgres@127.0.0.1:55432/postgres', 'migrated') : await pgliteDb('/tmp/faults-exp/e' + Date.now(), 'migrated');
await withOpen(db, async (h) => { await addPartnership(h, { laCode: '991', name: 'Xtest part' }); });
const p = beacon(['import', 'cin', '/tmp/faults-exp/cin4000.xml'], db.env, { tty: true });
const t0 = Date.now();
let last = '';
const io = () => { const pid = p.workerPid(); if (!pid) return 0; try { return Number(/wchar: (\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))![1]); } catch { return -1; } };
await new Promise<void>((res) => { const timer = setInterval(() => {
  const m = [...p.output().matchAll(/(Checking|Loading) \[[^\]]*\] (\d+)%/g)].at(-1);
  const s = `${m ? `${m[1]} ${m[2]}` : '-'} pos=${p.readingAt('/tmp/faults-exp/cin4000.xml')} w=${Math.round(io() / 1e5) / 10}MB`;
  if (s !== last) { console.log(Date.now() - t0, s); last = s; }
  if (p.exitInfo()) { console.log('exit', p.exitInfo()); clearInterval(timer); res(); }
}, 5); });
await db.drop();
