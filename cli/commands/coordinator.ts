/**
 * `wepadim coordinator --db FILE --listen HOST:PORT`: serve trials to workers over gRPC. The only process
 * that writes the database. SIGINT/SIGTERM: stop leasing, let running trials finish (up to --grace), exit;
 * a second signal exits at once (unfinished leases expire and requeue on the next start). One coordinator
 * per database: a second one exits 2 naming the first (host, pid, address).
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { COORDINATOR_DEFAULTS } from '../../coordinator/server/defaults.js';
import { DEFAULT_ADDRESS, withSecurity, type SecurityArgs } from '../support/security-options.js';

interface CoordinatorArgs extends SecurityArgs {
  db?: string;
  listen: string;
  'health-listen'?: string;
  'force-insecure': boolean;
  'lease-ttl': number;
  'acquire-wait'?: number;
  'max-attempts'?: number;
  'max-message-bytes': number;
  'artifact-file-limit': number;
  'artifact-trial-limit': number;
  grace: number;
  http?: string;
  'http-insecure': boolean;
}

function positiveInt(v: number | undefined, flag: string, min = 1): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min))
    throw new UserError(`${flag} must be an integer >= ${min}, got ${v}`);
}

async function handler(args: CoordinatorArgs): Promise<void> {
  positiveInt(args['lease-ttl'], '--lease-ttl', 100);
  positiveInt(args['acquire-wait'], '--acquire-wait', 0);
  positiveInt(args['max-attempts'], '--max-attempts');
  positiveInt(args['max-message-bytes'], '--max-message-bytes', 1024);
  positiveInt(args['artifact-file-limit'], '--artifact-file-limit', 1);
  positiveInt(args['artifact-trial-limit'], '--artifact-trial-limit', 1);
  positiveInt(args.grace, '--grace', 0);
  const { serverTls } = await import('../support/security-connect.js');
  const { readToken } = await import('../../coordinator/auth/token.js');
  const { resolveDbPath } = await import('../../coordinator/store/paths.js');
  const { startCoordinator } = await import('../../coordinator/server/index.js');
  const { createLogger } = await import('../../shared/log.js');
  const { createProgress } = await import('../../shared/progress.js');
  const log = createLogger({ component: 'coordinator' });
  const dbPath = resolveDbPath(args.db);
  const coord = await startCoordinator({
    dbPath,
    listen: args.listen,
    healthListen: args['health-listen'] ?? null,
    auth: {
      token: readToken(args['token-file']),
      tls: serverTls(args),
      insecure: args.insecure,
      forceInsecure: args['force-insecure'],
    },
    leaseTtlMs: args['lease-ttl'],
    acquireWaitMs: args['acquire-wait'],
    maxMessageBytes: args['max-message-bytes'],
    artifactFileBytes: args['artifact-file-limit'],
    artifactTrialBytes: args['artifact-trial-limit'],
    shutdownGraceMs: args.grace,
    ...(args['max-attempts'] !== undefined ? { maxAttempts: args['max-attempts'] } : {}),
    ...(args.http ? { http: { listen: args.http, insecure: args['http-insecure'] } } : {}),
    log,
  });
  const counts = { done: 0, failed: 0, requeued: 0, cancelled: 0 };
  coord.events.on('finished', (e) => counts[e.status]++);
  coord.events.on('worker', (e) => log.info(`worker ${e.state}`, { worker: e.workerId }));
  const health = coord.healthAddress ? `; health checks on ${coord.healthAddress}` : '';
  process.stdout.write(
    args.json
      ? JSON.stringify({
          address: coord.address,
          health: coord.healthAddress,
          db: dbPath,
          dashboard: coord.dashboardUrl,
        }) + '\n'
      : `coordinator listening on ${coord.address} (db ${dbPath}${health})\n${coord.dashboardUrl ? `dashboard: ${coord.dashboardUrl}\n` : ''}`,
  );
  // progress over every trial in the database: a bar on a TTY, a log line every 10 s otherwise
  const progress = createProgress({ label: 'trials', total: 0, logger: log, logEveryMs: 10_000 });
  const report = setInterval(() => {
    const c = coord.trialCounts();
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    progress.update(
      (c.done ?? 0) + (c.failed ?? 0) + (c.cancelled ?? 0),
      total,
      `running ${(c.running ?? 0) + (c.leased ?? 0)} pending ${c.pending ?? 0}`,
    );
  }, 2_000);
  report.unref();
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals): void => {
      signals++;
      if (signals === 1) {
        log.info(
          `${sig}: stopping (no new leases; waiting up to ${args.grace} ms for running trials; signal again to exit now)`,
        );
        void coord.stop(args.grace).then(resolve);
      } else {
        log.warn(`${sig} again: exiting now`);
        void coord.stop(0).then(resolve);
        setTimeout(() => process.exit(1), 2000).unref();
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // another coordinator took the database over (this one could not renew its lease): it stops, exit 1
    coord.events.on('lost', ({ reason }) => {
      process.stderr.write(`wepadim coordinator: stopped serving ${dbPath}: ${reason}\n`);
      process.exitCode = 1;
      void coord.stop(0).then(resolve);
    });
  });
  clearInterval(report);
  progress.done();
  log.info('trials finished by this coordinator', counts);
}

export const command: CommandModule<object, CoordinatorArgs> = {
  command: 'coordinator',
  describe: 'Serve trials from the database to workers over gRPC (TLS + bearer token)',
  builder: (y: Argv) =>
    withSecurity(
      y
        .option('db', { type: 'string', describe: 'SQLite database file ($WEPADIM_DB)' })
        .option('listen', {
          type: 'string',
          default: DEFAULT_ADDRESS,
          describe: 'HOST:PORT to listen on (port 0 = any free port)',
        })
        .option('health-listen', {
          type: 'string',
          describe:
            'HOST:PORT for a plaintext listener serving only grpc.health.v1 (Kubernetes gRPC probes; no token, no data)',
        })
        .option('force-insecure', {
          type: 'boolean',
          default: false,
          describe: 'allow --insecure on a non-loopback address',
        })
        .option('lease-ttl', {
          type: 'number',
          default: COORDINATOR_DEFAULTS.leaseTtlMs,
          describe: 'ms a lease lives without a heartbeat',
        })
        .option('acquire-wait', {
          type: 'number',
          describe: `ms an idle worker waits in Acquire before it asks again (default: ${COORDINATOR_DEFAULTS.acquireWaitMs}, at most half the lease TTL)`,
        })
        .option('max-attempts', {
          type: 'number',
          describe: "attempts before a trial fails for good (default: each sweep's max_attempts)",
        })
        .option('max-message-bytes', {
          type: 'number',
          default: COORDINATOR_DEFAULTS.maxMessageBytes,
          describe: 'largest request accepted (bigger: INVALID_ARGUMENT)',
        })
        .option('http', {
          type: 'string',
          describe: 'also serve the web dashboard on HOST:PORT (e.g. 127.0.0.1:8080; off loopback it needs the token)',
        })
        .option('http-insecure', {
          type: 'boolean',
          default: false,
          describe: 'serve the dashboard on a non-loopback address without a token',
        })
        .option('artifact-file-limit', {
          type: 'number',
          default: COORDINATOR_DEFAULTS.artifactFileBytes,
          describe: 'largest artifact file a worker may upload, bytes (stored under <db dir>/artifacts/)',
        })
        .option('artifact-trial-limit', {
          type: 'number',
          default: COORDINATOR_DEFAULTS.artifactTrialBytes,
          describe: "largest total of one trial's artifact files, bytes",
        })
        .option('grace', {
          type: 'number',
          default: COORDINATOR_DEFAULTS.shutdownGraceMs,
          describe: 'ms to let running trials finish on SIGINT/SIGTERM',
        })
        .example(
          'WEPADIM_TOKEN=$(cat token) $0 coordinator --db runs.sqlite --listen 0.0.0.0:7070 --tls-cert srv.pem --tls-key srv.key',
          'TLS on all interfaces',
        )
        .example(
          '$0 coordinator --db runs.sqlite --listen 127.0.0.1:7070 --insecure --token-file token',
          'plaintext on loopback only',
        ),
      'server',
    ),
  handler,
};
