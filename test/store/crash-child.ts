/**
 * Child process for the crash test: submits a sweep and, once 5,000 trials are inserted inside the
 * transaction, writes a marker file and blocks so the parent can SIGKILL it mid-transaction.
 * argv: DB_PATH MARKER_PATH SIGMA_COUNT
 */
import { writeFileSync } from 'node:fs';
import { SweepStore } from '../../coordinator/store/index.js';
import { makeSweep } from './seed.js';

const [dbPath, marker, count] = process.argv.slice(2);
const sigma = Array.from({ length: Number(count) }, (_, i) => 1 + i / 100);
const store = SweepStore.open(dbPath);
store.submit(makeSweep('crash', { classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], sigma }), {
  onProgress: (done) => {
    if (done >= 5000) {
      writeFileSync(marker, String(done));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); // hold the transaction open
    }
  },
});
store.close();
