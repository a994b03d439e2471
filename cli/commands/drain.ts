/** `wepadim drain WORKER`: tell a worker to finish its running trials, take no new ones, and exit. */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_ADDRESS, withSecurity, type SecurityArgs } from '../support/security-options.js';

interface DrainArgs extends SecurityArgs {
  worker: string;
  coordinator: string;
}

async function handler(args: DrainArgs): Promise<void> {
  const { clientConnectOptions, explainRpcError } = await import('../support/security-connect.js');
  const { connectCoordinator, promiseClient } = await import('../../coordinator/server/client.js');
  const { renderTable } = await import('../../shared/table.js');
  const client = connectCoordinator(clientConnectOptions(args.coordinator, args));
  try {
    const res = await promiseClient(client)
      .Drain({ worker_id: args.worker }, 10_000)
      .catch((err: unknown) => {
        throw explainRpcError(err, args.coordinator);
      });
    if (!res.found)
      throw new UserError(`no worker ${JSON.stringify(args.worker)} is registered with ${args.coordinator}`);
    const row = { worker: args.worker, state: res.state, leased_trials: res.leased_trials };
    process.stdout.write(args.json ? JSON.stringify(row) + '\n' : renderTable([row]) + '\n');
  } finally {
    client.close();
  }
}

export const command: CommandModule<object, DrainArgs> = {
  command: 'drain <worker>',
  describe: 'Drain a worker: it finishes its running trials, takes no new leases, then exits',
  builder: (y: Argv) =>
    withSecurity(
      y
        .positional('worker', { type: 'string', demandOption: true, describe: 'worker id (see `wepadim status`)' })
        .option('coordinator', {
          type: 'string',
          default: process.env.WEPADIM_COORDINATOR ?? DEFAULT_ADDRESS,
          describe: 'coordinator HOST:PORT ($WEPADIM_COORDINATOR)',
        })
        .example(
          'WEPADIM_TOKEN=... $0 drain gpu-node1:0 --coordinator coord:7070 --tls-ca ca.pem',
          'drain one GPU worker over TLS',
        )
        .example('$0 drain w1 --insecure --token-file ~/.wepadim/token --json', 'local coordinator, JSON output'),
      'client',
    ),
  handler,
};
