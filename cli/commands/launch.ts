/**
 * `wepadim launch slurm`: write (and with --submit, submit) the sbatch job array of workers. Refuses
 * (exit 2) anything that would put the token on the wire in plaintext, and a --workdir without bin/wepadim.js.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { repoRoot } from '../../shared/version.js';
import { dirname, resolve } from 'node:path';

interface SlurmArgs {
  coordinator: string;
  nodes: number;
  'workers-per-node': number;
  concurrency: number;
  'group-size': number;
  time: string;
  partition?: string;
  account?: string;
  'cpus-per-gpu': number;
  'mem-per-gpu': string;
  workdir: string;
  'spool-dir': string;
  'log-dir': string;
  'token-file'?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  insecure: boolean;
  'idle-exit'?: number;
  setup: string[];
  'max-parallel'?: number;
  'job-name': string;
  out: string;
  submit: boolean;
  json: boolean;
}

const slurm: CommandModule<object, SlurmArgs> = {
  command: 'slurm',
  describe: 'Write (and with --submit, submit) an sbatch job array: one element per node, one worker per GPU',
  builder: (y: Argv) =>
    y
      .option('coordinator', {
        type: 'string',
        demandOption: true,
        describe: 'coordinator address HOST:PORT, reachable from the nodes',
      })
      .option('nodes', { type: 'number', default: 1, describe: 'array elements (one node each)' })
      .option('workers-per-node', { type: 'number', default: 8, describe: 'GPUs per node = worker processes per node' })
      .option('concurrency', { type: 'number', default: 1, describe: 'trials in flight per worker' })
      .option('group-size', { type: 'number', default: 8, describe: 'max trials per lease (trials sharing features)' })
      .option('time', { type: 'string', default: '24:00:00', describe: 'Slurm time limit' })
      .option('partition', { type: 'string' })
      .option('account', { type: 'string' })
      .option('cpus-per-gpu', { type: 'number', default: 4 })
      .option('mem-per-gpu', { type: 'string', default: '32G' })
      .option('workdir', {
        type: 'string',
        default: repoRoot(),
        describe: 'wepadim checkout on the shared file system (default: this one)',
      })
      .option('spool-dir', {
        type: 'string',
        default: '/tmp/wepadim-spool-$SLURM_ARRAY_JOB_ID-$SLURM_ARRAY_TASK_ID',
        describe: 'node-local result spool',
      })
      .option('log-dir', { type: 'string', default: 'logs/slurm' })
      .option('token-file', {
        type: 'string',
        describe: 'file holding the auth token (never put the token itself in the script)',
      })
      .option('tls-ca', {
        type: 'string',
        describe: 'CA that signed the coordinator certificate (see `wepadim tls init`)',
      })
      .option('tls-cert', { type: 'string', describe: 'client certificate for mutual TLS' })
      .option('tls-key', { type: 'string', describe: 'client key for mutual TLS' })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'plaintext, only for a coordinator without a token (no token is sent)',
      })
      .option('idle-exit', {
        type: 'number',
        describe: 'workers exit after this many seconds without work (the job then ends)',
      })
      .option('setup', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'shell lines run before the workers, e.g. "module load cuda"',
      })
      .option('max-parallel', { type: 'number', describe: 'max array elements running at once' })
      .option('job-name', { type: 'string', default: 'wepadim' })
      .option('out', { type: 'string', default: 'wepadim-workers.sbatch', describe: 'where to write the script' })
      .option('submit', { type: 'boolean', default: false, describe: 'run sbatch on the written script' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .example(
        '$0 launch slurm --coordinator head01:50051 --nodes 4 --workers-per-node 8 --token-file ~/.wepadim-token --tls-ca ca.pem',
        'write wepadim-workers.sbatch for 32 GPU workers',
      )
      .example(
        '$0 launch slurm --coordinator head01:50051 --nodes 2 --partition gpu --token-file ~/.wepadim-token --tls-ca ca.pem --submit',
        'write and submit',
      ),
  handler: async (a) => {
    const { renderSbatch, validateSbatch, workdirErrors } = await import('../../worker/supervisor/slurm.js');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    if (!a['tls-ca'] && (a['tls-cert'] || a['tls-key']))
      throw new UserError('--tls-cert/--tls-key need --tls-ca (the CA that signed the coordinator certificate)');
    const path = (p: string | undefined): string | null => (p ? resolve(p) : null);
    const tls = a['tls-ca'] ? { ca: resolve(a['tls-ca']), cert: path(a['tls-cert']), key: path(a['tls-key']) } : null;
    const opts = {
      jobName: a['job-name'],
      coordinator: a.coordinator,
      nodes: a.nodes,
      workersPerNode: a['workers-per-node'],
      concurrency: a.concurrency,
      groupSize: a['group-size'],
      time: a.time,
      partition: a.partition ?? null,
      account: a.account ?? null,
      cpusPerGpu: a['cpus-per-gpu'],
      memPerGpu: a['mem-per-gpu'],
      workdir: resolve(a.workdir),
      spoolDir: a['spool-dir'],
      logDir: resolve(a['log-dir']),
      tokenFile: path(a['token-file']),
      tls,
      insecure: a.insecure,
      idleExit: a['idle-exit'] ?? null,
      setup: a.setup,
      maxParallel: a['max-parallel'] ?? null,
    };
    const { existsSync } = await import('node:fs');
    const files: [string, string | null][] = [
      ['--token-file', opts.tokenFile],
      ['--tls-ca', tls?.ca ?? null],
      ['--tls-cert', tls?.cert ?? null],
      ['--tls-key', tls?.key ?? null],
    ];
    const missing = files
      .filter(([, f]) => f !== null && !existsSync(f))
      .map(([flag, f]) => `${flag} ${f}: no such file (the workers read it from the shared file system)`);
    const errs = [...validateSbatch(opts), ...workdirErrors(opts.workdir), ...missing];
    if (errs.length) throw new UserError(errs.join('; '));
    const out = resolve(a.out);
    mkdirSync(dirname(out), { recursive: true });
    mkdirSync(opts.logDir, { recursive: true }); // Slurm does not create the --output directory
    writeFileSync(out, renderSbatch(opts), { mode: 0o755 });
    let jobId: string | null = null;
    if (a.submit) {
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync('sbatch', [out], { encoding: 'utf8' });
      if (r.error) throw new UserError(`--submit: cannot run sbatch (${r.error.message}); is this a Slurm login node?`);
      if (r.status !== 0) throw new Error(`sbatch ${out} failed (exit ${r.status}): ${r.stderr.trim()}`);
      jobId = /Submitted batch job (\d+)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
    }
    const summary = {
      script: out,
      nodes: opts.nodes,
      workers: opts.nodes * opts.workersPerNode,
      submitted: a.submit,
      job_id: jobId,
    };
    if (a.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      const { renderTable } = await import('../../shared/table.js');
      process.stdout.write(renderTable([summary]) + '\n');
      if (!a.submit) process.stdout.write(`submit with: sbatch ${out}\n`);
    }
  },
};

export const command: CommandModule = {
  command: 'launch <target>',
  describe: 'Start workers on a cluster (targets: slurm; for Kubernetes see deploy/kubernetes/)',
  builder: (y) =>
    y
      .command(slurm as unknown as CommandModule)
      .demandCommand(1, 'Give a target: wepadim launch slurm --help')
      .example(
        '$0 launch slurm --coordinator head01:50051 --nodes 4 --workers-per-node 8',
        'sbatch array of 4 nodes x 8 GPU workers',
      ),
  handler: () => undefined,
};
