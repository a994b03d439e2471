import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { INSECURE_DESCRIBE } from '../support/security-options.js';
import { resolve } from 'node:path';

interface WorkerArgs {
  coordinator: string;
  gpu?: number;
  gpus?: string;
  concurrency: number;
  'group-size': number;
  'spool-dir'?: string;
  'token-file'?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  insecure: boolean;
  backend: string;
  'cache-dir'?: string;
  'artifacts-dir'?: string;
  threads?: number;
  'max-rss'?: number;
  'idle-exit'?: number;
  'acquire-wait'?: number;
  'worker-id'?: string;
  command: boolean;
  'allow-command'?: string[];
  json: boolean;
}

export const command: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Run a worker: lease trials from a coordinator and run them (one process per GPU)',
  builder: (y: Argv) =>
    y
      .option('coordinator', { type: 'string', demandOption: true, describe: 'coordinator address HOST:PORT' })
      .option('gpu', { type: 'number', describe: 'GPU index for the tensor backend (omit for CPU)' })
      .option('gpus', { type: 'string', describe: 'supervise one worker process per GPU, e.g. 0,1,2,3 or 0-7' })
      .option('concurrency', { type: 'number', default: 1, describe: 'lease groups in flight at once' })
      .option('group-size', {
        type: 'number',
        default: 8,
        describe: 'most trials per lease (trials that share features)',
      })
      .option('spool-dir', { type: 'string', describe: 'local result spool (default .wepadim/spool/<gpuN|cpu>)' })
      .option('token-file', {
        type: 'string',
        describe: 'file with the auth token (else env WEPADIM_TOKEN; never on the command line)',
      })
      .option('tls-ca', { type: 'string', describe: 'CA certificate (PEM) to verify the coordinator' })
      .option('tls-cert', { type: 'string', describe: 'client certificate (PEM) for mutual TLS' })
      .option('tls-key', { type: 'string', describe: 'client key (PEM) for mutual TLS' })
      .option('insecure', { type: 'boolean', default: false, describe: INSECURE_DESCRIBE })
      .option('backend', {
        type: 'string',
        default: 'auto',
        describe: 'tensor backend of the wepadim objective: auto | onnx | tfjs-wasm | ...',
      })
      .option('cache-dir', { type: 'string', describe: 'feature cache directory (wepadim objective)' })
      .option('artifacts-dir', { type: 'string', describe: 'where trial artifacts are written (wepadim objective)' })
      .option('threads', { type: 'number', describe: 'intra-op threads of the backbone' })
      .option('max-rss', {
        type: 'number',
        describe:
          'memory budget in MB (wepadim objective): backbone features over half of what is left stay in a file and are read a chunk at a time, and a DWT group that would not fit computes its subband blocks one at a time (slower, same numbers). Without it, features over half of the available memory go to a file',
      })
      .option('idle-exit', {
        type: 'number',
        describe: 'drain and exit 0 after the coordinator had no work for this many seconds',
      })
      .option('acquire-wait', {
        type: 'number',
        describe: 'ms one long-polled Acquire may wait for work (default 10000; the coordinator caps it)',
      })
      .option('worker-id', { type: 'string', describe: 'worker id to register (default HOST:gpuN:PID)' })
      .option('command', {
        type: 'boolean',
        default: true,
        describe: 'run command objectives (--no-command refuses them; see docs/command-objective.md)',
      })
      .option('allow-command', {
        type: 'string',
        array: true,
        describe:
          'run only these programs for command objectives (repeatable; a name matches argv[0] exactly, a path the resolved path)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print worker events as JSON lines on stdout' })
      .check((a) => {
        if (a.gpu !== undefined && a.gpus !== undefined) throw new UserError('give --gpu or --gpus, not both');
        if (!a.insecure && !a['tls-ca']) throw new UserError('give --tls-ca (TLS) or --insecure (plaintext)');
        if (!Number.isInteger(a.concurrency) || a.concurrency < 1)
          throw new UserError(`--concurrency ${a.concurrency}: must be an integer >= 1`);
        if (!Number.isInteger(a['group-size']) || a['group-size'] < 1 || a['group-size'] > 256)
          throw new UserError(`--group-size ${a['group-size']}: must be an integer in 1..256`);
        if (a['acquire-wait'] !== undefined && !(Number.isInteger(a['acquire-wait']) && a['acquire-wait'] > 0))
          throw new UserError(`--acquire-wait ${a['acquire-wait']}: must be an integer number of ms > 0`);
        if (!a.command && a['allow-command']?.length)
          throw new UserError('give --no-command or --allow-command, not both');
        if (a['allow-command']?.some((p) => p === '')) throw new UserError('--allow-command: empty program name');
        if (!/^[^\s]+:\d{1,5}$/.test(a.coordinator))
          throw new UserError(`--coordinator "${a.coordinator}": expected HOST:PORT`);
        return true;
      })
      .example(
        '$0 worker --coordinator 10.0.0.5:7070 --gpu 0 --tls-ca ca.pem',
        'one worker on GPU 0 (token from WEPADIM_TOKEN)',
      )
      .example('$0 worker --coordinator head:7070 --gpus 0-3 --insecure', 'supervise four workers, one per GPU')
      .example(
        '$0 worker --coordinator head:7070 --gpu 0 --insecure --allow-command python3',
        'command sweeps may run only python3',
      )
      .example(
        '$0 worker --coordinator 127.0.0.1:7070 --insecure --idle-exit 60',
        'local CPU worker that exits when the queue stays empty',
      ),
  handler: async (a) => {
    const { readToken } = await import('../../coordinator/auth/token.js');
    const token = readToken(a['token-file']); // --token-file, else $WEPADIM_TOKEN; never argv
    const drain = new AbortController();
    const hard = new AbortController();
    let signals = 0;
    const onSignal = (): void => {
      signals++;
      if (signals === 1) drain.abort('signal');
      else hard.abort('second signal');
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // under `--gpus`, the supervisor's drain order comes over IPC (repeating it does not stop the worker hard)
    const { isDrainMessage } = await import('../../worker/supervisor/supervise.js');
    const onMessage = (m: unknown): void => {
      if (isDrainMessage(m)) drain.abort('supervisor');
    };
    if (process.send) {
      process.on('message', onMessage);
      process.channel?.unref();
    }

    if (a.gpus !== undefined) {
      const { parseGpuList, superviseWorkers } = await import('../../worker/supervisor/supervise.js');
      let gpus: number[];
      try {
        gpus = parseGpuList(a.gpus);
      } catch (err) {
        throw new UserError(`--gpus: ${(err as Error).message}`);
      }
      // the children get this command line minus --gpus and --spool-dir (each gets its own --gpu and spool)
      const without = (args: string[], flag: string): string[] =>
        args.filter((x, i, all) => x !== flag && all[i - 1] !== flag && !x.startsWith(`${flag}=`));
      const passOn = without(without(process.argv.slice(2), '--gpus'), '--spool-dir');
      const baseSpool = resolve(a['spool-dir'] ?? '.wepadim/spool');
      const summary = await superviseWorkers({
        gpus,
        signal: drain.signal,
        commandFor: (gpu) => ({
          file: process.execPath,
          args: [
            ...process.execArgv,
            process.argv[1],
            ...passOn,
            '--gpu',
            String(gpu),
            '--spool-dir',
            `${baseSpool}/gpu${gpu}`,
          ],
          ipc: true,
        }),
        onEvent: (e) =>
          a.json
            ? process.stdout.write(JSON.stringify(e) + '\n')
            : process.stderr.write(`supervisor: ${JSON.stringify(e)}\n`),
      });
      if (summary.children.some((c) => c.lastCode !== 0)) process.exitCode = 1;
      return;
    }

    const { runWorker } = await import('../../worker/client/index.js');
    const { createLogger, workerLabel } = await import('../../shared/log.js');
    const log = createLogger({ worker: workerLabel(a['worker-id'], a.gpu) });
    const spoolDir = resolve(a['spool-dir'] ?? `.wepadim/spool/${a.gpu === undefined ? 'cpu' : `gpu${a.gpu}`}`);
    const objectiveOptions: Record<string, unknown> = {};
    if (a['cache-dir']) objectiveOptions.cacheDir = resolve(a['cache-dir']);
    if (a['artifacts-dir']) objectiveOptions.artifactsDir = resolve(a['artifacts-dir']);
    if (a.threads !== undefined) objectiveOptions.threads = a.threads;
    if (a['max-rss'] !== undefined) {
      if (!(a['max-rss'] > 0)) throw new UserError(`--max-rss must be a number of MB > 0, got ${a['max-rss']}`);
      objectiveOptions.maxRssBytes = a['max-rss'] * 1024 * 1024;
    }
    objectiveOptions.commandPolicy = {
      enabled: a.command,
      allow: a['allow-command']?.length ? a['allow-command'] : null,
    };
    await runWorker({
      coordinator: a.coordinator,
      gpu: a.gpu ?? null,
      concurrency: a.concurrency,
      groupSize: a['group-size'],
      spoolDir,
      auth: {
        token,
        tls: a['tls-ca'] ? { ca: a['tls-ca'], cert: a['tls-cert'], key: a['tls-key'] } : null,
        insecure: a.insecure,
      },
      backend: a.backend,
      objectiveOptions,
      signal: hard.signal,
      drainSignal: drain.signal,
      idleExitMs: a['idle-exit'] === undefined ? null : a['idle-exit'] * 1000,
      workerId: a['worker-id'],
      ...(a['acquire-wait'] === undefined ? {} : { acquireWaitMs: a['acquire-wait'] }),
      onEvent: (e) => {
        if (a.json) process.stdout.write(JSON.stringify(e) + '\n');
        else if (e.type === 'disconnected')
          log.warn('coordinator unreachable', { during: e.during, error: e.error, retry_ms: e.retryInMs });
        else if (e.type === 'finished' && !e.ok) log.warn('trial failed', { key: e.key, error: e.error });
        else if (e.type === 'tls-hint') log.warn(e.hint, { error: e.error });
        else if (e.type === 'left-unregistered')
          log.info('drained before the coordinator answered: nothing held, exiting', {
            reason: e.reason,
            spooled: e.spooled,
          });
        else if (e.type === 'delivered' && !e.accepted)
          log.warn('result rejected', { lease: e.leaseId, reason: e.reason });
        else if (
          e.type === 'registered' ||
          e.type === 'draining' ||
          e.type === 'stopped' ||
          e.type === 'lease-lost' ||
          e.type === 'cancel'
        )
          log.info(e.type, Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v !== 'object')));
      },
    });
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('message', onMessage);
    if (hard.signal.aborted) process.exitCode = 1;
  },
};
