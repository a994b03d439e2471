/** `wepadim cancel SWEEP|TRIAL`: cancel a sweep's unfinished trials, or one trial; running ones are stopped. */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_ADDRESS, withSecurity, type SecurityArgs } from '../support/security-options.js';

interface CancelArgs extends SecurityArgs {
  target: string;
  coordinator: string;
}

async function handler(args: CancelArgs): Promise<void> {
  const { clientConnectOptions, explainRpcError } = await import('../support/security-connect.js');
  const { connectCoordinator, promiseClient } = await import('../../coordinator/server/client.js');
  const { renderTable } = await import('../../shared/table.js');
  const client = connectCoordinator(clientConnectOptions(args.coordinator, args));
  try {
    const res = await promiseClient(client)
      .Cancel({ target: args.target }, 10_000)
      .catch((err: unknown) => {
        throw explainRpcError(err, args.coordinator);
      });
    if (res.matched === 'none')
      throw new UserError(`no sweep or trial named ${JSON.stringify(args.target)} in the coordinator's database`);
    const row = {
      target: args.target,
      matched: res.matched,
      cancelled: res.cancelled,
      interrupted: res.interrupted,
      maps_jobs: res.maps_cancelled,
    };
    process.stdout.write(args.json ? JSON.stringify(row) + '\n' : renderTable([row]) + '\n');
  } finally {
    client.close();
  }
}

export const command: CommandModule<object, CancelArgs> = {
  command: 'cancel <target>',
  describe:
    'Cancel a sweep (by name) or a trial (by key, or the 12-digit key prefix reports show): pending trials are dropped, running ones stopped',
  builder: (y: Argv) =>
    withSecurity(
      y
        .positional('target', {
          type: 'string',
          demandOption: true,
          describe: 'sweep name, or trial key (a unique prefix such as the 12 digits reports show)',
        })
        .option('coordinator', {
          type: 'string',
          default: process.env.WEPADIM_COORDINATOR ?? DEFAULT_ADDRESS,
          describe: 'coordinator HOST:PORT ($WEPADIM_COORDINATOR)',
        })
        .example(
          '$0 cancel demo --coordinator coord:7070 --tls-ca ca.pem',
          'cancel every unfinished trial of sweep "demo"',
        )
        .example('$0 cancel 3f2a1c9e5b7d --insecure --json', 'cancel one trial on a local coordinator'),
      'client',
    ),
  handler,
};
