/**
 * `wepadim maps TRIAL`: have the anomaly maps of one done trial made on demand. It queues a maps job at the
 * coordinator (the same job the per-class winners get when a sweep ends): a worker runs the trial again with
 * its maps kept, checks nothing else changed, and uploads the PNGs, which `wepadim artifacts TRIAL` then lists
 * or fetches. With --wait it waits until the maps are stored.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_ADDRESS, withSecurity, type SecurityArgs } from '../support/security-options.js';

interface MapsArgs extends SecurityArgs {
  trial: string;
  coordinator: string;
  wait: boolean;
  'timeout-s': number;
}

interface JobState {
  trial_key: string;
  sweep: string;
  status: string;
  error: string;
  reported: number;
  stored: number;
}

const settled = (j: JobState): boolean =>
  j.status === 'failed' || j.status === 'refused' || (j.status === 'done' && j.stored >= j.reported);

const line = (j: JobState): string =>
  `${j.sweep}/${j.trial_key}: ${j.status}${j.status === 'done' ? `, ${j.stored}/${j.reported} map(s) stored` : ''}${j.error ? ` (${j.error})` : ''}`;

async function handler(args: MapsArgs): Promise<void> {
  const { clientConnectOptions, explainRpcError } = await import('../support/security-connect.js');
  const { connectCoordinator, promiseClient } = await import('../../coordinator/server/client.js');
  const client = connectCoordinator(clientConnectOptions(args.coordinator, args));
  const rpc = promiseClient(client);
  const ask = (queue: boolean): Promise<JobState[]> =>
    rpc.RequestMaps({ trial: args.trial, queue }, 30_000).then(
      (r) => r.jobs,
      (err: unknown) => {
        throw explainRpcError(err, args.coordinator);
      },
    );
  try {
    let jobs = await ask(true);
    if (!jobs.length)
      throw new UserError(
        `no trial ${JSON.stringify(args.trial)} at ${args.coordinator} (give a trial key or id; see \`wepadim leaderboard\`)`,
      );
    const refused = jobs.filter((j) => j.status === 'refused');
    if (refused.length === jobs.length) throw new UserError(refused.map((j) => j.error).join('\n'));
    let last = '';
    const end = Date.now() + args['timeout-s'] * 1000;
    while (args.wait && !jobs.every(settled) && Date.now() < end) {
      const now = jobs.map(line).join('\n');
      if (now !== last && !args.json) process.stderr.write(`${now}\n`);
      last = now;
      await new Promise((r) => setTimeout(r, 1000));
      jobs = await ask(false);
    }
    if (args.json) process.stdout.write(JSON.stringify(jobs) + '\n');
    else {
      process.stdout.write(jobs.map(line).join('\n') + '\n');
      const ready = jobs.filter((j) => j.status === 'done' && j.stored > 0);
      for (const j of ready) process.stdout.write(`fetch them: wepadim artifacts ${j.trial_key} --out DIR\n`);
      if (!args.wait && jobs.some((j) => !settled(j)))
        process.stdout.write('queued: a worker of this coordinator makes them (--wait waits for them)\n');
    }
    if (jobs.some((j) => j.status === 'failed')) process.exitCode = 1;
    else if (args.wait && !jobs.every(settled)) {
      process.stderr.write(`not stored after ${args['timeout-s']} s (is a worker connected?)\n`);
      process.exitCode = 1;
    }
  } finally {
    client.close();
  }
}

export const command: CommandModule<object, MapsArgs> = {
  command: 'maps <trial>',
  describe:
    'Make the anomaly maps of a done trial on demand: queues a maps job at the coordinator; a worker re-runs the trial ' +
    'with its maps kept (its metrics must come out equal and are not recorded again) and uploads the PNGs',
  builder: (y: Argv) =>
    withSecurity(
      y
        .positional('trial', {
          type: 'string',
          demandOption: true,
          describe: 'trial key (every sweep holding it) or id (see `wepadim leaderboard`)',
        })
        .option('coordinator', {
          type: 'string',
          default: process.env.WEPADIM_COORDINATOR ?? DEFAULT_ADDRESS,
          describe: 'coordinator HOST:PORT ($WEPADIM_COORDINATOR); its workers make the maps',
        })
        .option('wait', { type: 'boolean', default: false, describe: 'wait until the maps are stored' })
        .option('timeout-s', { type: 'number', default: 600, describe: 'longest --wait, seconds' })
        .epilog(
          'There is no --local mode: maps are made by the workers of the coordinator that holds the trial (the same ' +
            "path as the per-class winners' maps after a sweep), so they are stored once, at the coordinator. Each " +
            "class's best trial by image and by pixel AUROC gets its maps without asking. Each PNG is named " +
            '<class>_<defect>_<image>_score-<s>.png: the 2 highest- and 2 lowest-scoring test images of the trial.',
        )
        .example('$0 maps 3f9c2a1b --wait', 'make the maps of a trial and wait for them')
        .example('$0 artifacts 3f9c2a1b --out ./maps', 'then fetch them'),
      'client',
    ),
  handler,
};
