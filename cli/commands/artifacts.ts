/**
 * `wepadim artifacts TRIAL [--out DIR]`: list the artifacts the coordinator holds for a trial (key or id), or
 * fetch them into DIR/<trial key>/ (each file checked against its sha256), from any machine that reaches it.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_ADDRESS, withSecurity, type SecurityArgs } from '../support/security-options.js';
import { join, resolve } from 'node:path';

interface ArtifactsArgs extends SecurityArgs {
  trial: string;
  coordinator: string;
  out?: string;
}

async function handler(args: ArtifactsArgs): Promise<void> {
  const { clientConnectOptions, explainRpcError } = await import('../support/security-connect.js');
  const { connectCoordinator, promiseClient } = await import('../../coordinator/server/client.js');
  const { downloadArtifact } = await import('../../coordinator/server/artifact-client.js');
  const { renderTable } = await import('../../shared/table.js');
  const { mkdirSync } = await import('node:fs');
  const client = connectCoordinator(clientConnectOptions(args.coordinator, args));
  try {
    const res = await promiseClient(client)
      .ListArtifacts({ trial: args.trial }, 30_000)
      .catch((err: unknown) => {
        throw explainRpcError(err, args.coordinator);
      });
    if (res.trials === 0)
      throw new UserError(
        `no trial ${JSON.stringify(args.trial)} at ${args.coordinator} (give a trial key or id; see \`wepadim leaderboard\`)`,
      );
    const rows = res.artifacts.map((a) => ({
      trial: a.trial_key,
      sweep: a.sweep,
      kind: a.kind,
      name: a.name,
      bytes: Number(a.size),
      sha256: a.sha256.slice(0, 12),
      path: a.path,
    }));
    if (!args.out) {
      if (args.json)
        process.stdout.write(JSON.stringify(res.artifacts.map((a) => ({ ...a, size: Number(a.size) }))) + '\n');
      else
        process.stdout.write(
          rows.length ? renderTable(rows) + '\n' : `trial ${args.trial}: no artifacts stored at the coordinator yet\n`,
        );
      return;
    }
    const fetched: { file: string; bytes: number }[] = [];
    for (const a of res.artifacts) {
      const dir = resolve(args.out, a.trial_key);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, a.name);
      const bytes = await downloadArtifact(client, a.sha256, file).catch((err: unknown) => {
        throw explainRpcError(err, args.coordinator);
      });
      fetched.push({ file, bytes });
      if (!args.json) process.stderr.write(`fetched ${file} (${bytes} bytes)\n`);
    }
    if (args.json) process.stdout.write(JSON.stringify(fetched) + '\n');
    else process.stdout.write(`${fetched.length} file(s) in ${resolve(args.out)}\n`);
  } finally {
    client.close();
  }
}

export const command: CommandModule<object, ArtifactsArgs> = {
  command: 'artifacts <trial>',
  describe: "List a trial's artifacts stored at the coordinator (maps, trial.json, ...), or fetch them with --out",
  builder: (y: Argv) =>
    withSecurity(
      y
        .positional('trial', {
          type: 'string',
          demandOption: true,
          describe: 'trial key or id (see `wepadim leaderboard`)',
        })
        .option('coordinator', {
          type: 'string',
          default: process.env.WEPADIM_COORDINATOR ?? DEFAULT_ADDRESS,
          describe: 'coordinator HOST:PORT ($WEPADIM_COORDINATOR)',
        })
        .option('out', {
          type: 'string',
          describe: 'fetch the files into DIR/<trial key>/ (each checked against its sha256)',
        })
        .example('$0 artifacts 3f9c2a1b --coordinator coord:7070', 'list what the coordinator holds for a trial')
        .example('$0 artifacts 3f9c2a1b --out ./maps', 'fetch them'),
      'client',
    ),
  handler,
};
