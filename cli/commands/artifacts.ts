/**
 * `wepadim artifacts TRIAL [--out DIR]`: list the artifacts the coordinator holds for a trial (key or id), or
 * fetch them into DIR/<trial key>/ (each file checked against its sha256), from any machine that reaches it, or with
 * --db FILE from the database's own folder on the machine that holds it (a finished `wepadim run`).
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_ADDRESS, withSecurity, type SecurityArgs } from '../support/security-options.js';
import { join, resolve } from 'node:path';

interface ArtifactsArgs extends SecurityArgs {
  trial: string;
  coordinator: string;
  db?: string;
  out?: string;
}

interface Listed {
  trial_key: string;
  sweep: string;
  kind: string;
  name: string;
  size: number;
  sha256: string;
  path: string;
}

/** Where the artifacts are read from: the coordinator over gRPC, or the database's own folder with --db. */
interface Source {
  where: string;
  list(trial: string): Promise<{ trials: number; artifacts: Listed[] }>;
  fetch(a: Listed, file: string): Promise<number>;
  close(): void;
}

async function coordinatorSource(args: ArtifactsArgs): Promise<Source> {
  const { clientConnectOptions, explainRpcError } = await import('../support/security-connect.js');
  const { connectCoordinator, promiseClient } = await import('../../coordinator/server/client.js');
  const { downloadArtifact } = await import('../../coordinator/server/artifact-client.js');
  const client = connectCoordinator(clientConnectOptions(args.coordinator, args));
  const explain = (err: unknown): never => {
    throw explainRpcError(err, args.coordinator);
  };
  return {
    where: args.coordinator,
    list: async (trial) => {
      const res = await promiseClient(client).ListArtifacts({ trial }, 30_000).catch(explain);
      return { trials: res.trials, artifacts: res.artifacts.map((a) => ({ ...a, size: Number(a.size) })) };
    },
    fetch: (a, file) => downloadArtifact(client, a.sha256, file).catch(explain),
    close: () => client.close(),
  };
}

async function databaseSource(db: string): Promise<Source> {
  const { openLocalArtifacts } = await import('../../coordinator/store/artifacts/index.js');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const local = openLocalArtifacts(db);
  return {
    where: db,
    list: (trial) => {
      const ids = local.trials(trial);
      return Promise.resolve({ trials: ids.length, artifacts: local.list(ids) });
    },
    fetch: (a, file) => {
      const stored = local.fileOf(a.sha256);
      if (!stored)
        throw new UserError(`${a.name} of trial ${a.trial_key}: its stored file is missing under ${db}'s folder`);
      const bytes = readFileSync(stored);
      if (createHash('sha256').update(bytes).digest('hex') !== a.sha256)
        throw new UserError(`${stored}: its sha256 differs from the one recorded for ${a.name} (the file is damaged)`);
      writeFileSync(file, bytes);
      return Promise.resolve(bytes.length);
    },
    close: () => local.close(),
  };
}

async function handler(args: ArtifactsArgs): Promise<void> {
  const { renderTable } = await import('../../shared/table.js');
  const { mkdirSync } = await import('node:fs');
  const source = args.db ? await databaseSource(args.db) : await coordinatorSource(args);
  try {
    const res = await source.list(args.trial);
    if (res.trials === 0)
      throw new UserError(
        `no trial ${JSON.stringify(args.trial)} at ${source.where} (give a trial key or id; see \`wepadim leaderboard\`)`,
      );
    const rows = res.artifacts.map((a) => ({
      trial: a.trial_key,
      sweep: a.sweep,
      kind: a.kind,
      name: a.name,
      bytes: a.size,
      sha256: a.sha256.slice(0, 12),
      path: a.path,
    }));
    if (!args.out) {
      if (args.json) process.stdout.write(JSON.stringify(res.artifacts) + '\n');
      else
        process.stdout.write(
          rows.length ? renderTable(rows) + '\n' : `trial ${args.trial}: no artifacts stored at ${source.where} yet\n`,
        );
      return;
    }
    const fetched: { file: string; bytes: number }[] = [];
    for (const a of res.artifacts) {
      const dir = resolve(args.out, a.trial_key);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, a.name);
      const bytes = await source.fetch(a, file);
      fetched.push({ file, bytes });
      if (!args.json) process.stderr.write(`fetched ${file} (${bytes} bytes)\n`);
    }
    if (args.json) process.stdout.write(JSON.stringify(fetched) + '\n');
    else process.stdout.write(`${fetched.length} file(s) in ${resolve(args.out)}\n`);
  } finally {
    source.close();
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
        .option('db', {
          type: 'string',
          describe:
            "read the database's own folder instead of a coordinator (e.g. runs/<sweep>/wepadim.db after `wepadim run`)",
        })
        .option('out', {
          type: 'string',
          describe: 'fetch the files into DIR/<trial key>/ (each checked against its sha256)',
        })
        .example('$0 artifacts 3f9c2a1b --coordinator coord:7070', 'list what the coordinator holds for a trial')
        .example('$0 artifacts 3f9c2a1b --out ./maps', 'fetch them')
        .example(
          '$0 artifacts 3f9c2a1b --db runs/demo/wepadim.db --out ./maps',
          'fetch them from a finished local run',
        ),
      'client',
    ),
  handler,
};
