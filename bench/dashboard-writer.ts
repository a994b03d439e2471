/**
 * 64 simulated workers writing to the dashboard benchmark's database, as the coordinator would for them:
 * every 50 ms one transaction finishes a few pending trials (attempt, streamed progress, 10 final metrics,
 * result, status), and every second all 64 workers heartbeat. After each commit it prints
 * `<done trials> <commit time ms>` so the benchmark can time how soon the dashboard shows it.
 *
 *   node bin/run-ts.js bench/dashboard-writer.ts DB SECONDS TRIALS_PER_SECOND
 */
import { openDatabase } from '../coordinator/store/index.js';
import { METRICS, WORKERS } from './dashboard-fill.js';

const [dbPath, secondsText, rateText] = process.argv.slice(2);
const seconds = Number(secondsText);
const perTick = Math.max(1, Math.round(Number(rateText) / 20));
const db = openDatabase(dbPath);
const next = db.prepare("SELECT id, class FROM trials WHERE status = 'pending' ORDER BY id LIMIT ?");
const attempt = db.prepare(
  "INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at, ended_at, outcome) VALUES (?, ?, ?, 1, ?, ?, 'done')",
);
const progress = db.prepare(
  'INSERT INTO metrics (trial_id, attempt_id, name, value, step, time, final) VALUES (?, ?, ?, ?, ?, ?, 0)',
);
const metric = db.prepare(
  'INSERT INTO metrics (trial_id, attempt_id, name, value, step, time, final) VALUES (?, ?, ?, ?, 0, ?, 1)',
);
const result = db.prepare(
  `INSERT INTO results (trial_id, attempt_id, code_version, backend, device, weights, dataset_root, class, result_json, created_at)
   VALUES (?, ?, 'bench', 'onnx', 'cpu', 'random-init seed 0', '/data/mvtec', ?, '{}', ?)`,
);
const done = db.prepare(
  "UPDATE trials SET status = 'done', attempts = 1, worker_id = ?, started_at = ?, finished_at = ? WHERE id = ?",
);
const heartbeat = db.prepare('UPDATE workers SET last_heartbeat = ?');
const countDone = db.prepare("SELECT count(*) FROM trials WHERE status = 'done'").pluck();
let total = countDone.get() as number;
let w = 0;
const tick = db.transaction((now: number) => {
  for (const t of next.all(perTick) as { id: number; class: string }[]) {
    const wid = `node${(w % WORKERS) >> 3}:${w % 8}`;
    w++;
    const a = Number(attempt.run(t.id, wid, `B${t.id}`, now - 500, now).lastInsertRowid);
    for (let s = 1; s <= 3; s++) progress.run(t.id, a, 'progress.fraction', s / 3, s, now - 500 + s * 100);
    for (const m of METRICS) metric.run(t.id, a, m, Math.random(), now);
    result.run(t.id, a, t.class, now);
    done.run(wid, now - 500, now, t.id);
    total++;
  }
});
const end = Date.now() + seconds * 1000;
let lastBeat = 0;
const timer = setInterval(() => {
  const now = Date.now();
  if (now >= end) {
    clearInterval(timer);
    db.close();
    return;
  }
  tick(now);
  if (now - lastBeat >= 1000) {
    heartbeat.run(now);
    lastBeat = now;
  }
  process.stdout.write(`${total} ${Date.now()}\n`);
}, 50);
