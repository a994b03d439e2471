/**
 * The sbatch script for `wepadim launch slurm`: a job array with one element per node; each element
 * asks for `workersPerNode` GPUs and runs `wepadim worker --gpus 0,...,W-1`, which starts one worker
 * process per GPU. The coordinator runs elsewhere (its address is a parameter), and the token reaches
 * workers through a file, never the command line. A token never crosses the network in plaintext: the
 * workers verify the coordinator with --tls-ca, or run --insecure against a coordinator without a token
 * (then the script unsets $WEPADIM_TOKEN, which sbatch would otherwise pass on from the submitting shell).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface SbatchOptions {
  jobName: string;
  coordinator: string;
  nodes: number;
  workersPerNode: number;
  /** trials in flight per worker */
  concurrency: number;
  groupSize: number;
  /** Slurm time limit, e.g. "12:00:00" */
  time: string;
  partition: string | null;
  account: string | null;
  cpusPerGpu: number;
  memPerGpu: string; // e.g. "32G"
  /** directory of the wepadim checkout on the cluster's shared file system */
  workdir: string;
  /** node-local spool directory (may contain $SLURM_ARRAY_TASK_ID etc.) */
  spoolDir: string;
  logDir: string;
  tokenFile: string | null;
  /** CA that signed the coordinator's certificate, plus an optional client certificate for mutual TLS */
  tls: { ca: string; cert: string | null; key: string | null } | null;
  /** plaintext gRPC, only for a coordinator that runs without a token (no token is sent at all) */
  insecure: boolean;
  /** workers drain and exit 0 after this many seconds without work (the array element then ends), or null */
  idleExit: number | null;
  /** extra lines run before the worker starts, e.g. "module load cuda/12.2" */
  setup: string[];
  /** max array elements running at once (Slurm's %N), or null */
  maxParallel: number | null;
}

/** Quote for a POSIX shell single-quoted word. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function validateSbatch(o: SbatchOptions): string[] {
  const errs: string[] = [];
  if (!/^[A-Za-z0-9._-]+$/.test(o.jobName)) errs.push(`--job-name "${o.jobName}": use letters, digits, . _ -`);
  if (!/^[^\s:]+:\d{1,5}$/.test(o.coordinator) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(o.coordinator))
    errs.push(`--coordinator "${o.coordinator}": expected HOST:PORT`);
  if (!Number.isInteger(o.nodes) || o.nodes < 1) errs.push(`--nodes ${o.nodes}: must be an integer >= 1`);
  if (!Number.isInteger(o.workersPerNode) || o.workersPerNode < 1 || o.workersPerNode > 64)
    errs.push(`--workers-per-node ${o.workersPerNode}: must be an integer in 1..64`);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1)
    errs.push(`--concurrency ${o.concurrency}: must be an integer >= 1`);
  if (!/^(\d+-)?\d{1,3}(:\d{2}){0,2}$/.test(o.time))
    errs.push(`--time "${o.time}": expected Slurm time like 12:00:00 or 1-00:00:00`);
  if (!/^\d+[KMGT]?$/.test(o.memPerGpu)) errs.push(`--mem-per-gpu "${o.memPerGpu}": expected e.g. 32G`);
  if (o.idleExit !== null && (!Number.isInteger(o.idleExit) || o.idleExit < 1))
    errs.push(`--idle-exit ${o.idleExit}: must be an integer >= 1 (seconds)`);
  errs.push(...transportErrors(o));
  return errs;
}

/** The token must never travel in plaintext: TLS (--tls-ca), or --insecure without any token. */
function transportErrors(o: SbatchOptions): string[] {
  if (o.tls && o.insecure) return ['give either --tls-ca (TLS) or --insecure, not both'];
  if (o.tls && Boolean(o.tls.cert) !== Boolean(o.tls.key))
    return ['--tls-cert and --tls-key go together (a client certificate for mutual TLS)'];
  if (o.insecure && o.tokenFile)
    return [
      '--insecure with --token-file would send the token in plaintext: verify the coordinator with --tls-ca instead (`wepadim tls init` makes a CA and a server certificate)',
    ];
  if (!o.tls && !o.insecure)
    return [
      'workers on other machines need --tls-ca CA.pem so that the token never crosses the network in plaintext ' +
        '(`wepadim tls init --host HEAD_NODE` writes a CA and a server certificate for the coordinator); ' +
        '--insecure is only for a coordinator that runs without a token',
    ];
  return [];
}

/** Problems with --workdir: the sbatch script runs `node bin/wepadim.js` there. */
export function workdirErrors(workdir: string): string[] {
  if (!existsSync(join(workdir, 'bin', 'wepadim.js')))
    return [
      `--workdir ${workdir}: no bin/wepadim.js there; give the wepadim checkout on the cluster's shared file system`,
    ];
  return [];
}

export function renderSbatch(o: SbatchOptions): string {
  const errs = validateSbatch(o);
  if (errs.length) throw new RangeError(errs.join('; '));
  const gpus = Array.from({ length: o.workersPerNode }, (_, i) => i).join(',');
  const array = `0-${o.nodes - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`;
  const lines = [
    '#!/bin/bash',
    `# Written by \`wepadim launch slurm\`: ${o.nodes} node(s) x ${o.workersPerNode} GPU worker(s).`,
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=${array}`,
    '#SBATCH --nodes=1',
    '#SBATCH --ntasks=1',
    `#SBATCH --gres=gpu:${o.workersPerNode}`,
    `#SBATCH --cpus-per-task=${o.cpusPerGpu * o.workersPerNode}`,
    `#SBATCH --mem-per-gpu=${o.memPerGpu}`,
    `#SBATCH --time=${o.time}`,
    `#SBATCH --output=${o.logDir}/%x-%A_%a.out`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
    // let workers drain: SIGTERM 120 s before the time limit
    '#SBATCH --signal=B:TERM@120',
    'set -euo pipefail',
    `cd ${shellQuote(o.workdir)}`,
    ...o.setup,
    `SPOOL=${o.spoolDir.includes('$') ? `"${o.spoolDir}"` : shellQuote(o.spoolDir)}`,
    'mkdir -p "$SPOOL"',
  ];
  const args = [
    'node',
    'bin/wepadim.js',
    'worker',
    '--coordinator',
    shellQuote(o.coordinator),
    '--gpus',
    gpus,
    '--concurrency',
    String(o.concurrency),
    '--group-size',
    String(o.groupSize),
    '--spool-dir',
    '"$SPOOL"',
  ];
  if (o.idleExit !== null) args.push('--idle-exit', String(o.idleExit));
  if (o.tokenFile) args.push('--token-file', shellQuote(o.tokenFile));
  if (o.tls) {
    args.push('--tls-ca', shellQuote(o.tls.ca));
    if (o.tls.cert) args.push('--tls-cert', shellQuote(o.tls.cert));
    if (o.tls.key) args.push('--tls-key', shellQuote(o.tls.key));
  } else {
    // plaintext: make sure no token inherited from the submitting shell goes on the wire
    lines.push('unset WEPADIM_TOKEN');
    args.push('--insecure');
  }
  // Run in the background and wait, so bash can forward Slurm's SIGTERM (drain) to the supervisor.
  lines.push(
    `${args.join(' ')} &`,
    'WORKER=$!',
    `trap 'kill -TERM "$WORKER" 2>/dev/null' TERM INT`,
    'set +e',
    'wait "$WORKER"; rc=$?',
    '# a trapped signal interrupts wait: wait again for the drained worker',
    'if kill -0 "$WORKER" 2>/dev/null; then wait "$WORKER"; rc=$?; fi',
    'exit $rc',
    '',
  );
  return lines.join('\n');
}
