/**
 * Child process for the halving kill test: completes `before` trials of a halving sweep (each its own
 * committed transaction, with its promotions), then opens one transaction, completes 3 more in it (their
 * promotions included), tells the parent, and blocks so the parent can SIGKILL it mid-transaction.
 * argv: DB_PATH BEFORE
 */
import { openDriver, runTrials } from './drive.js';

const [dbPath, before] = process.argv.slice(2);
const d = openDriver(dbPath);
runTrials(d, Number(before));
d.db.transaction(() => {
  runTrials(d, 3);
  process.send?.('inside');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000); // hold the transaction open until killed
})();
