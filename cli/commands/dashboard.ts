/**
 * `wepadim dashboard --db FILE [--listen 127.0.0.1:8080]`: the live web dashboard of a database, read
 * through a read-only connection. Loopback by default; another address needs the bearer token
 * ($WEPADIM_TOKEN or --token-file) or --insecure. With --coordinator ADDR, cancel and drain go to that
 * coordinator over gRPC (with the same token).
 */
import type { Argv, CommandModule } from 'yargs';

interface DashboardArgs {
  db?: string;
  listen: string;
  'token-file'?: string;
  insecure: boolean;
  coordinator?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  plaintext: boolean;
  json: boolean;
}

async function handler(args: DashboardArgs): Promise<void> {
  const { readToken } = await import('../../coordinator/auth/token.js');
  const { resolveDbPath } = await import('../../coordinator/store/paths.js');
  const { startDashboard } = await import('../../coordinator/dashboard/server.js');
  const { createLogger } = await import('../../shared/log.js');
  const log = createLogger({ component: 'dashboard' });
  const token = readToken(args['token-file']);
  let admin = null;
  let closeAdmin = (): void => undefined;
  if (args.coordinator) {
    const { grpcAdmin } = await import('../support/dashboard-admin.js');
    const a = grpcAdmin(args.coordinator, {
      'token-file': args['token-file'],
      'tls-ca': args['tls-ca'],
      'tls-cert': args['tls-cert'],
      'tls-key': args['tls-key'],
      insecure: args.plaintext,
      json: false,
    });
    admin = a.admin;
    closeAdmin = a.close;
  }
  const dbPath = resolveDbPath(args.db);
  const dash = await startDashboard({
    dbPath,
    listen: args.listen,
    auth: { token, insecure: args.insecure },
    admin,
    log,
  });
  process.stdout.write(
    args.json
      ? JSON.stringify({ url: dash.url, db: dbPath }) + '\n'
      : `dashboard: ${dash.url} (db ${dbPath}; Ctrl-C stops)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dash.close();
  closeAdmin();
}

export const command: CommandModule<object, DashboardArgs> = {
  command: 'dashboard',
  describe: 'Serve the live web dashboard of a database (sweeps, leaderboards, plots, trials, failures)',
  builder: (y: Argv) =>
    y
      .option('db', { type: 'string', describe: 'SQLite database file ($WEPADIM_DB)' })
      .option('listen', {
        type: 'string',
        default: '127.0.0.1:8080',
        describe: 'HOST:PORT to serve on (port 0 = any free port)',
      })
      .option('token-file', {
        type: 'string',
        describe: 'file holding the bearer token (default: $WEPADIM_TOKEN); required off loopback',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'serve a non-loopback address without a token (anyone who reaches it can read)',
      })
      .option('coordinator', {
        type: 'string',
        describe: 'coordinator HOST:PORT for cancel and drain (they need the token)',
      })
      .option('tls-ca', { type: 'string', describe: 'CA bundle that signed the coordinator certificate' })
      .option('tls-cert', { type: 'string', describe: 'client certificate for mutual TLS with the coordinator' })
      .option('tls-key', { type: 'string', describe: 'client key for mutual TLS with the coordinator' })
      .option('plaintext', { type: 'boolean', default: false, describe: 'plaintext gRPC to a loopback coordinator' })
      .option('json', { type: 'boolean', default: false, describe: 'print {url, db} as JSON' })
      .example('$0 dashboard --db runs/demo/wepadim.db', 'open http://127.0.0.1:8080/')
      .example(
        'WEPADIM_TOKEN=... $0 dashboard --db runs/p1.db --listen 0.0.0.0:8080 --coordinator 127.0.0.1:7070 --plaintext',
        'for the team, with cancel and drain',
      ),
  handler,
};
