/**
 * Test fixture: a real one-node Slurm cluster in a temp folder, no systemd. munged runs with its own key
 * and socket, slurmctld and slurmd in the foreground (-D) with SLURM_CONF pointing at a generated
 * slurm.conf (random ports, jobcomp/filetxt to read job end states, a count-only "gpu" GRES so the
 * shipped sbatch script's --gres=gpu:N is scheduled as on a GPU cluster). Every wait is a bounded poll
 * of an observable state (socket file, sinfo, squeue, /proc), never a fixed sleep. See
 * shared/notes/slurm-in-ci.md for the measured facts this follows.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export const SLURM_PACKAGES = ['slurmctld', 'slurmd', 'slurm-client', 'munge'] as const;
const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function which(bin: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin'];
  for (const d of dirs) if (d && existsSync(join(d, bin))) return join(d, bin);
  return null;
}

/** Why a Slurm cluster cannot be started here (missing binaries, not root), or null when it can. */
export function slurmUnavailable(): string | null {
  const missing = BINARIES.filter((b) => which(b) === null);
  if (missing.length)
    return `missing ${missing.join(', ')} (Debian packages ${SLURM_PACKAGES.join(' ')}; .ci/run installs them)`;
  if (process.getuid?.() !== 0) return 'not root (slurmd must run jobs as root here)';
  return null;
}

/** Poll `check` until it returns a value other than undefined/false, or throw after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | false,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface SlurmCluster {
  dir: string;
  node: string;
  /** environment for Slurm commands (SLURM_CONF set) */
  env: NodeJS.ProcessEnv;
  /** run a Slurm client command; returns stdout (throws with stderr on a non-zero exit) */
  run(cmd: string, args: string[]): string;
  /** `JOB_TASK STATE` lines of squeue for a job (all states squeue still knows) */
  queue(jobId: string): Map<string, string>;
  /** jobcomp records (one per finished job or array task) as key=value maps */
  finished(): Record<string, string>[];
  /** the daemons' logs, for failure messages */
  logs(): string;
  stop(): Promise<void>;
}

export async function startSlurmCluster(o: {
  cpus: number;
  gpus: number;
  ports: [number, number];
}): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-slurm-'));
  chmodSync(dir, 0o755); // munged refuses a socket below a folder others cannot enter
  const node = hostname().split('.')[0];
  const p = (...parts: string[]): string => join(dir, ...parts);
  mkdirSync(p('munge'), { mode: 0o700 });
  mkdirSync(p('munge-run'), { mode: 0o755 });
  for (const d of ['state', join('spool', node), 'log']) mkdirSync(p(d), { recursive: true });
  writeFileSync(p('munge', 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const socket = p('munge-run', 'munge.socket');
  const [ctldPort, slurmdPort] = o.ports;
  writeFileSync(
    p('slurm.conf'),
    [
      'ClusterName=wepadimtest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${p('state')}`,
      `SlurmdSpoolDir=${p('spool', '%n')}`,
      `SlurmctldPidFile=${p('slurmctld.pid')}`,
      `SlurmdPidFile=${p('slurmd-%n.pid')}`,
      `SlurmctldLogFile=${p('log', 'slurmctld.log')}`,
      `SlurmdLogFile=${p('log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/filetxt',
      `JobCompLoc=${p('log', 'jobcomp.txt')}`,
      'ReturnToService=2',
      'KillWait=10',
      'GresTypes=gpu',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${o.cpus} RealMemory=1000 Gres=gpu:${o.gpus} State=UNKNOWN`,
      'PartitionName=debug Default=YES Nodes=ALL State=UP MaxTime=INFINITE',
      '',
    ].join('\n'),
  );
  // stand-in GPU device files: Slurm only needs them to exist to count and index the "GPUs" (the workers
  // run the synthetic objective; CUDA_VISIBLE_DEVICES is set per task as on a real GPU node)
  mkdirSync(p('dev'));
  for (let i = 0; i < o.gpus; i++) writeFileSync(p('dev', `nvidia${i}`), '');
  writeFileSync(p('gres.conf'), `NodeName=${node} Name=gpu File=${p('dev', `nvidia[0-${o.gpus - 1}]`)}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: p('slurm.conf') };
  const daemons: ChildProcess[] = [];
  const daemonLogs: string[] = [];
  const startDaemon = (bin: string, args: string[]): void => {
    const child = spawn(which(bin) ?? bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    daemonLogs.push(`--- ${bin}`);
    const keep = (b: Buffer): void => void lines.push(b.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, sig) => daemonLogs.push(`${bin} exited ${code ?? sig}: ${lines.join('').slice(-2000)}`));
    daemons.push(child);
  };
  const run = (cmd: string, args: string[]): string => {
    const r = spawnSync(which(cmd) ?? cmd, args, { env, encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
    return r.stdout;
  };
  const tryRun = (cmd: string, args: string[]): string | null => {
    try {
      return run(cmd, args);
    } catch {
      return null;
    }
  };
  const logs = (): string => {
    const files = ['slurmctld.log', 'slurmd.log'].map((f) =>
      existsSync(p('log', f)) ? `--- ${f}\n${readFileSync(p('log', f), 'utf8').slice(-6000)}` : '',
    );
    return [...daemonLogs, ...files].join('\n');
  };
  const stopDaemons = async (): Promise<void> => {
    for (const d of [...daemons].reverse()) {
      if (d.exitCode !== null || d.signalCode !== null) continue;
      const gone = new Promise<void>((r) => d.once('exit', () => r()));
      d.kill('SIGTERM');
      const t = setTimeout(() => d.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    }
  };

  try {
    startDaemon('munged', [
      '-F',
      `--key-file=${p('munge', 'munge.key')}`,
      `--socket=${socket}`,
      `--pid-file=${p('munge-run', 'munged.pid')}`,
      `--log-file=${p('munge', 'munged.log')}`,
      `--seed-file=${p('munge', 'munged.seed')}`,
    ]);
    await pollUntil('the munge socket', 10_000, () => existsSync(socket));
    startDaemon('slurmctld', ['-D']);
    startDaemon('slurmd', ['-D']);
    await pollUntil(
      'the node to be idle in sinfo',
      30_000,
      () => tryRun('sinfo', ['-h', '-o', '%T'])?.trim() === 'idle',
    );
  } catch (err) {
    const text = logs();
    await stopDaemons();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${text}`, { cause: err });
  }

  /** pids (other than our daemons and their helpers) with an open file under the cluster folder: slurmstepd detaches from slurmd */
  const strays = (): number[] => {
    const ours = new Set([process.pid, ...daemons.map((d) => d.pid)]);
    const found: number[] = [];
    for (const pid of readdirSync('/proc')
      .filter((x) => /^\d+$/.test(x))
      .map(Number)) {
      if (ours.has(pid)) continue;
      try {
        const ppid = Number(
          readFileSync(`/proc/${pid}/stat`, 'utf8')
            .replace(/^.*\) /s, '')
            .split(' ')[1],
        );
        if (ours.has(ppid)) continue; // slurmctld's own helper (slurmscriptd)
        if (readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir + '/')))
          found.push(pid);
      } catch {
        // gone or not ours to read
      }
    }
    return found;
  };

  return {
    dir,
    node,
    env,
    run,
    queue: (jobId) => {
      const out = tryRun('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%i %T']) ?? '';
      return new Map(
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.trim().split(/\s+/) as [string, string]),
      );
    },
    finished: () => {
      const f = p('log', 'jobcomp.txt');
      if (!existsSync(f)) return [];
      const pair = (kv: string): [string, string] => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)];
      return readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) =>
          Object.fromEntries(
            line
              .split(' ')
              .filter((kv) => kv.includes('='))
              .map(pair),
          ),
        );
    },
    logs,
    stop: async () => {
      tryRun('scancel', ['--user=root']);
      try {
        await pollUntil('squeue to be empty', 30_000, () => tryRun('squeue', ['-h'])?.trim() === '');
        await pollUntil(
          'slurmstepd to leave the spool',
          30_000,
          () => !readdirSync(p('spool', node)).some((f) => f.startsWith(`${node}_`)),
        );
        await pollUntil('no process with files in the cluster folder', 30_000, () => strays().length === 0).catch(
          (err: Error) => {
            throw new Error(
              `${err.message}: ${strays()
                .map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`)
                .join('; ')}`,
            );
          },
        );
      } finally {
        await stopDaemons();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** PIDs of the processes that run in array task `job_task` (read from their Slurm environment in /proc). */
export function arrayTaskPids(job: string, task: number): number[] {
  const want = [`SLURM_ARRAY_JOB_ID=${job}`, `SLURM_ARRAY_TASK_ID=${task}`];
  const found: number[] = [];
  for (const pid of readdirSync('/proc')
    .filter((x) => /^\d+$/.test(x))
    .map(Number)) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (want.every((w) => env.includes(w))) found.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
