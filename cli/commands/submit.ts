/**
 * `wepadim submit FILE`: expand a sweep file and store its trials. Re-submitting adds nothing; an edited
 * grid adds only the new trials and keeps everything already stored (resume and extend).
 */
import type { Argv, CommandModule } from 'yargs';
import { withDb, writeJson, writeOut, type DbArgs } from '../support/report-options.js';

interface SubmitArgs extends DbArgs {
  file: string;
  stage?: string[];
  'dry-run': boolean;
  preflight: boolean;
  'weights-dir'?: string;
  json: boolean;
}

async function handler(args: SubmitArgs): Promise<void> {
  const { loadSweepFile } = await import('../../coordinator/grid/index.js');
  const { SweepStore, resolveDbPath } = await import('../../coordinator/store/index.js');
  const { preflight } = await import('../../local/preflight.js');
  const sweep = await preflight(loadSweepFile(args.file, { stages: args.stage }), {
    check: args.preflight,
    weightsDir: args['weights-dir'],
  });
  const path = resolveDbPath(args.db);
  const store = SweepStore.open(path);
  try {
    const { createProgress } = await import('../../shared/progress.js');
    const progress =
      sweep.trials.length >= 20_000
        ? createProgress({ label: `submit ${sweep.name}`, total: sweep.trials.length })
        : null;
    const r = store.submit(sweep, {
      dryRun: args['dry-run'],
      onProgress: progress ? (done) => progress.update(done) : undefined,
    });
    progress?.done();
    if (args.json) {
      writeJson({ sweep: sweep.name, db: path, dryRun: args['dry-run'], ...r });
      return;
    }
    const verb = args['dry-run'] ? 'would add' : 'added';
    const what = r.created ? 'new sweep' : r.sourceChanged ? 'sweep (grid changed)' : 'sweep (unchanged)';
    const { rootMovesText } = await import('../../coordinator/report/root-moves-view.js');
    writeOut(
      rootMovesText(sweep.name, r.existing, r.rootMoves) +
        `${what} ${sweep.name}: ${verb} ${r.added} trial(s), ${r.existing} already stored, ${r.total} in total` +
        `${args['dry-run'] ? ' (dry run: nothing written)' : ''}\n` +
        `database: ${path}\n`,
    );
  } finally {
    store.close();
  }
}

export const command: CommandModule<object, SubmitArgs> = {
  command: 'submit <file>',
  describe: 'Store the trials of a sweep file; re-submitting adds only new grid points',
  builder: (y: Argv) =>
    withDb(
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'sweep YAML file' })
        .option('stage', { type: 'string', array: true, describe: 'submit only these stages (repeatable)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'report what would be added; write nothing' })
        .option('preflight', {
          type: 'boolean',
          default: true,
          describe: 'check weights and dataset roots here first (--no-preflight: they exist only on the workers)',
        })
        .option('weights-dir', {
          type: 'string',
          describe:
            'weights store to check and resolve sha256: prefixes in (default $WEPADIM_WEIGHTS_DIR or ~/.cache/wepadim/weights)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' }),
    )
      .example('$0 submit configs/demo.yaml', 'create the sweep "demo" with its 144 trials')
      .example('$0 submit configs/demo.yaml --dry-run', 'after editing the grid: how many trials would be added')
      .example('$0 submit configs/phase1-reduced.yaml --db runs/phase1.db --json', 'another database, JSON output'),
  handler,
};
