// boss.mjs - bench/claim.sh's library peer: the same claim-then-complete loop as claim.c,
// with pg-boss (npm, pinned in bench/claim/package-lock.json) on the benchmark's PostgreSQL.
//
// usage: node boss.mjs load NODE_DIR CONNSTRING PER
//          pg-boss's schema, four queues e1..e4 (alihdaya's engagements E1..E4), PER jobs each
//          through boss.insert() in the claim.sh order and priorities.
//        node boss.mjs run NODE_DIR CONNSTRING SECONDS LANES LOGFILE
//          LANES concurrent lanes, lane i is worker i+1 of capacity 1; prints claim.c's lines.
// NODE_DIR is where claim.sh ran `npm ci` (its node_modules holds pg-boss).
//
// pg-boss has no workers, skills or levels: a job is fetched from one named queue. So the
// eligibility is the client's: a worker's lane asks only the queues it qualifies for (skill at
// or above the queue's level), highest priority first, each with boss.fetch(queue,
// {batchSize: 1}) - one UPDATE ... FROM (SELECT ... ORDER BY priority DESC, created_on, id
// LIMIT 1 FOR UPDATE SKIP LOCKED), one autocommit - until one gives a job; as each queue has
// one priority, that is priority then age over the worker's queues, as bench_claim does in
// PL/pgSQL. The capacity (1) is the lane's: it holds one job until boss.complete(queue, id,
// {w}) (one autocommit) has returned. The worker is written into the job's output, the only
// place pg-boss keeps anything about who did it; claim.sh checks it against LOGFILE (one
// "worker,job id,queue" line per claim).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

const [mode, nodeDir, conn, ...rest] = process.argv.slice(2);
if (!['load', 'run'].includes(mode) || !nodeDir || !conn) {
  console.error('usage: boss.mjs load NODE_DIR CONNSTRING PER | run NODE_DIR CONNSTRING SECONDS LANES LOGFILE');
  process.exit(2);
}
const PgBoss = createRequire(join(nodeDir, 'package.json'))('pg-boss');

// The queues in claim.sh's order: skill, level, priority.
const QUEUES = [
  { name: 'e1', skill: 'data_entry', level: 1, priority: 1 },
  { name: 'e2', skill: 'data_entry', level: 3, priority: 5 },
  { name: 'e3', skill: 'review', level: 2, priority: 3 },
  { name: 'e4', skill: 'review', level: 4, priority: 8 },
];

// Job ids in load order, so that jobs inserted by one statement (one created_on) still come
// out oldest first: pg-boss orders by created_on, then id.
const uuid = (g) => `00000000-0000-4000-8000-${g.toString(16).padStart(12, '0')}`;

async function load(per) {
  const boss = new PgBoss({ connectionString: conn, schedule: false, supervise: false });
  boss.on('error', (e) => { console.error('pg-boss:', e.message); process.exitCode = 1; });
  await boss.start();
  for (const [k, q] of QUEUES.entries()) {
    await boss.createQueue(q.name, { policy: 'standard' });
    for (let r = 1; r <= per; r += 5000) {
      const jobs = [];
      for (let i = r; i < r + 5000 && i <= per; i++) {
        const g = k * per + i;
        jobs.push({ id: uuid(g), name: q.name, priority: q.priority,
          data: { external_ref: `E${k + 1}R${String(i).padStart(7, '0')}`, name: `Item ${i}` } });
      }
      await boss.insert(jobs);
    }
  }
  let n = 0;
  for (const q of QUEUES) n += await boss.getQueueSize(q.name);
  await boss.stop({ graceful: false, wait: true });
  console.log(`queued=${n}`);
}

const now = () => performance.now() / 1000;

function pct(a, p) {
  if (!a.length) return 0;
  const i = Math.floor(a.length * p);
  return a[Math.min(i, a.length - 1)] * 1000;
}

async function run(secs, lanes, logfile) {
  const boss = new PgBoss({ connectionString: conn, max: lanes + 4, schedule: false, migrate: false });
  const st = { claims: 0, completes: 0, errors: 0, empty: 0, lc: [], lp: [], win: new Array(1024).fill(0) };
  const log = [];
  boss.on('error', (e) => { st.errors++; console.error('pg-boss:', e.message); });
  await boss.start();
  // Open every connection before the clock starts, as claim.c does.
  const db = boss.getDb();
  await Promise.all(Array.from({ length: lanes }, () => db.executeSql('SELECT pg_sleep(0.05)')));
  const t0run = now();
  const until = t0run + secs;

  async function lane(w) {
    const d = 1 + ((w - 1) % 4), r = 1 + (Math.floor((w - 1) / 4) % 4);
    const mine = QUEUES.filter((q) => (q.skill === 'data_entry' ? d : r) >= q.level)
      .sort((a, b) => b.priority - a.priority).map((q) => q.name);
    while (now() < until) {
      const t0 = now();
      let job = null, q;
      for (q of mine) {
        const got = await boss.fetch(q, { batchSize: 1 });
        if (got.length) { job = got[0]; break; }
      }
      if (!job) {
        // pg-boss's fetch() returns [] on a database error too: say so when work is left.
        let left = 0;
        for (const n of mine) left += await boss.getQueueSize(n);
        if (left > 0) {
          st.errors++;
          console.error(`claim: worker ${w} got nothing with ${left} jobs queued in ${mine}`);
        } else {
          st.empty++;
        }
        return;
      }
      const t = now();
      st.claims++;
      st.lc.push(t - t0);
      const wi = Math.floor((t - t0run) / 5);
      if (wi < 1024) st.win[wi]++;
      log.push(`${w},${job.id},${q}`);
      const t1 = now();
      try {
        const res = await boss.complete(q, job.id, { w });
        if (res.affected === 1) {
          st.completes++;
          st.lp.push(now() - t1);
        } else {
          st.errors++;
          console.error(`complete: job ${job.id} of worker ${w}: ${res.affected} completed`);
        }
      } catch (e) {
        st.errors++;
        console.error(`complete: ${e.message}`);
      }
    }
  }

  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i + 1)));
  let el = now() - t0run;
  await boss.stop({ graceful: false, wait: true });
  writeFileSync(logfile, log.length ? log.join('\n') + '\n' : '');
  st.lc.sort((a, b) => a - b);
  st.lp.sort((a, b) => a - b);
  const span = Math.min(el, secs);
  console.log(`lanes=${lanes} seconds=${el.toFixed(1)} claims=${st.claims} completes=${st.completes} ` +
    `errors=${st.errors} empty=${st.empty} claims_per_s=${(st.claims / span).toFixed(0)} ` +
    `claim_p50_ms=${pct(st.lc, 0.5).toFixed(2)} claim_p99_ms=${pct(st.lc, 0.99).toFixed(2)} ` +
    `complete_p50_ms=${pct(st.lp, 0.5).toFixed(2)} complete_p99_ms=${pct(st.lp, 0.99).toFixed(2)}`);
  const ws = [];
  for (let w = 0; w < 1024 && w * 5 < span - 0.05; w++) ws.push((st.win[w] / Math.min(5, span - w * 5)).toFixed(0));
  console.log(`windows_per_s=${ws.join(',')}`);
  const cu = process.cpuUsage();
  console.log(`generator_cpu_s=${((cu.user + cu.system) / 1e6).toFixed(2)}`);
  if (st.empty && el < secs - 0.5) console.log(`note: the work ran out after ${el.toFixed(1)} s (raise --items)`);
}

const int = (s, lo, hi, what) => {
  const v = Number(s);
  if (!Number.isInteger(v) || v < lo || v > hi) { console.error(`${what}: ${lo} to ${hi}`); process.exit(2); }
  return v;
};
if (mode === 'load') await load(int(rest[0], 1, 1000000, 'PER'));
else {
  if (!rest[2]) { console.error('LOGFILE missing'); process.exit(2); }
  await run(int(rest[0], 1, 5000, 'SECONDS'), int(rest[1], 1, 1000, 'LANES'), rest[2]);
}
