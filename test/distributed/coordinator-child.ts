/**
 * Child-process entry for the fault tests and the dispatch benchmark: a coordinator on loopback
 * (plaintext, no token) on a given database and port. Prints `LISTENING <address>` once bound;
 * SIGTERM stops it gracefully, SIGKILL is the crash the tests inflict.
 * Usage: node bin/run-ts.js test/distributed/coordinator-child.ts DB PORT LEASE_TTL_MS [ACQUIRE_WAIT_MS [HOST]]
 */
import { startCoordinator } from '../../coordinator/server/index.js';

const [dbPath, port, ttl, wait, host] = process.argv.slice(2);
if (!dbPath || !port || !ttl) {
  process.stderr.write('usage: coordinator-child.ts DB PORT LEASE_TTL_MS [ACQUIRE_WAIT_MS]\n');
  process.exit(2);
}
const c = await startCoordinator({
  dbPath,
  listen: `${host ?? '127.0.0.1'}:${port}`,
  // the partition test listens on its own veth address (10.231.x.y), still a private test network
  auth: { token: null, tls: null, insecure: true, forceInsecure: host !== undefined && host !== '127.0.0.1' },
  leaseTtlMs: Number(ttl),
  ...(wait ? { acquireWaitMs: Number(wait) } : {}),
  shutdownGraceMs: 0,
});
process.stdout.write(`LISTENING ${c.address}\n`);
process.once('SIGTERM', () => {
  void c.stop(0).then(() => process.exit(0));
});
