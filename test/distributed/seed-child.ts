/** Seed a database with a synthetic sweep: node bin/run-ts.js test/distributed/seed-child.ts DB N SLEEP_MS FAIL_RATE [MAX_ATTEMPTS] */
import { seedSweep } from './harness.js';

const [db, n, sleepMs, failRate, maxAttempts] = process.argv.slice(2);
if (!db || !n) {
  process.stderr.write('usage: seed-child.ts DB N SLEEP_MS FAIL_RATE [MAX_ATTEMPTS]\n');
  process.exit(2);
}
seedSweep(db, Number(n), { sleepMs: Number(sleepMs ?? 0), failRate: Number(failRate ?? 0), maxAttempts: Number(maxAttempts ?? 3) });
