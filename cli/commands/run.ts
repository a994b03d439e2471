/**
 * `wepadim run FILE`: run a sweep on this machine (embedded coordinator on SQLite under ./runs/<sweep>/,
 * local workers), then print the leaderboard. Ctrl-C stops cleanly; running it again resumes.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { dirname } from 'node:path';

interface RunArgs {
  file: string;
  workers?: number;
  backend: string;
  'max-points'?: number;
  classes?: string;
  fresh: boolean;
  maps: number;
  'runs-dir': string;
  'weights-dir'?: string;
  'cache-dir'?: string;
  'max-rss'?: number;
  preflight: boolean;
  json: boolean;
  dashboard?: string;
}

export const command: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run a sweep on this machine: coordinator, local workers, progress, leaderboard (resumes when run again)',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'sweep YAML file' })
      .option('workers', { type: 'number', describe: 'local worker processes (default: one per core)' })
      .option('backend', {
        type: 'string',
        default: 'auto',
        describe: 'feature-extractor backend of the workers (auto, onnx, tfjs-wasm, ...)',
      })
      .option('max-points', {
        type: 'number',
        describe: 'run only the first K grid points (a smaller demo, e.g. in CI)',
      })
      .option('classes', { type: 'string', describe: 'comma-separated classes to run (default: all in the file)' })
      .option('fresh', {
        type: 'boolean',
        default: false,
        describe: 'delete ./runs/<sweep>/ first instead of resuming',
      })
      .option('maps', {
        type: 'number',
        default: 1,
        describe:
          'anomaly-map PNGs for the best K trials of each class per lease and stage by image and by pixel AUROC (0: none); a winner still without maps gets a maps job after the grid',
      })
      .option('runs-dir', { type: 'string', default: 'runs', describe: 'directory holding one folder per sweep' })
      .option('weights-dir', {
        type: 'string',
        describe: 'weights store of the workers (default $WEPADIM_WEIGHTS_DIR or ~/.cache/wepadim/weights)',
      })
      .option('cache-dir', {
        type: 'string',
        describe: 'feature cache (default $WEPADIM_CACHE_DIR, else <runs-dir>/.cache/features)',
      })
      .option('max-rss', {
        type: 'number',
        describe:
          'memory budget of each local worker in MB (as `wepadim worker --max-rss`): features over half of what is left stay in a file, DWT blocks that would not fit are computed one at a time; same numbers',
      })
      .option('preflight', {
        type: 'boolean',
        default: true,
        describe: 'check weights and dataset roots before storing trials (--no-preflight to skip)',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the run summary and leaderboard as JSON on stdout',
      })
      .option('dashboard', {
        type: 'string',
        describe: 'serve the live web dashboard while it runs and print its URL (HOST:PORT, default 127.0.0.1:8080)',
      })
      .coerce('dashboard', (v: string | boolean | undefined) =>
        v === undefined || v === false ? undefined : v === true || v === '' ? '127.0.0.1:8080' : String(v),
      )
      .example('$0 run configs/demo.yaml', 'the demo: synthetic classes, resnet18, a small grid (<= 3 min on 2 cores)')
      .example('$0 run configs/demo.yaml --max-points 4 --classes weave,disc', 'a smaller run of the same file')
      .example('$0 run configs/phase1-reduced.yaml --workers 2 --fresh', 'start over with 2 workers'),
  handler: async (argv: ArgumentsCamelCase<RunArgs>) => {
    if (argv.workers !== undefined && !(Number.isInteger(argv.workers) && argv.workers > 0)) {
      throw new UserError(`--workers must be a positive integer, got ${argv.workers}`);
    }
    if (!(Number.isInteger(argv.maps) && argv.maps >= 0))
      throw new UserError(`--maps must be an integer >= 0, got ${argv.maps}`);
    if (argv['max-rss'] !== undefined && !(argv['max-rss'] > 0))
      throw new UserError(`--max-rss must be a number of MB > 0, got ${argv['max-rss']}`);
    const { runLocalSweep } = await import('../../local/run-local.js');
    const { buildRunReport, renderRunReport } = await import('../../local/summary.js');
    const { runHeadline, workerTailText } = await import('../../local/run-headline.js');
    const { openReads } = await import('../../coordinator/store/reads/open.js');
    const { log } = await import('../../shared/log.js');
    const ctl = new AbortController();
    const force = new AbortController();
    const onSignal = (): void => {
      if (ctl.signal.aborted) {
        force.abort();
        return;
      }
      ctl.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const summary = await runLocalSweep({
        file: argv.file,
        runsDir: argv['runs-dir'],
        workers: argv.workers,
        backend: argv.backend,
        maxPoints: argv['max-points'],
        classes: argv.classes
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        fresh: argv.fresh,
        mapTrials: argv.maps,
        dashboard: argv.dashboard,
        weightsDir: argv['weights-dir'],
        cacheDir: argv['cache-dir'],
        maxRssMb: argv['max-rss'],
        preflight: argv.preflight,
        signal: ctl.signal,
        force: force.signal,
        log,
        stream: process.stderr,
      });
      const db = openReads(summary.dbPath);
      let report;
      try {
        report = buildRunReport(db, summary.sweep, dirname(summary.dbPath));
      } finally {
        db.close();
      }
      if (argv.json)
        process.stdout.write(
          JSON.stringify(
            {
              ...summary,
              leaderboard: report.image,
              perClass: report.perClass?.perClass ?? null,
              pixelOfTop: report.pixelOfTop,
              failureReasons: report.failureReasons,
              maps: report.maps,
            },
            null,
            2,
          ) + '\n',
        );
      else {
        process.stdout.write(`${runHeadline(summary)}\n`);
        process.stdout.write(renderRunReport(report, summary.artifactsDir, summary.dbPath) + '\n');
        for (const f of summary.workerFailures) {
          const tail = workerTailText(f.tail);
          const how = f.code === null ? 'was killed' : `exited with code ${f.code}`;
          process.stderr.write(`worker ${f.id} ${how}${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}\n`);
        }
      }
      if (summary.interrupted) process.exitCode = 130;
      else if (summary.counts.failed > 0 || summary.workerFailures.length > 0 || summary.counts.pending > 0)
        process.exitCode = 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
