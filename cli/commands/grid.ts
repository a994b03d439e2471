/**
 * `wepadim grid expand FILE`: validate a sweep file and print its trials (or, with --count, the number of
 * grid points and trials per stage). Writes nothing; `wepadim submit --dry-run` compares with a database.
 */
import type { Argv, CommandModule } from 'yargs';

interface ExpandArgs {
  file: string;
  stage?: string | string[];
  count?: boolean;
  json?: boolean;
}

async function expandHandler(args: ExpandArgs): Promise<void> {
  const { loadSweepFile } = await import('../../coordinator/grid/index.js');
  const { renderTable } = await import('../../shared/table.js');
  const stages = args.stage === undefined ? undefined : ([] as string[]).concat(args.stage);
  const sweep = loadSweepFile(args.file, { stages });
  const counts = sweep.stages.map((s) => {
    const classes = new Set(s.trials.map((t) => `${t.params.dataset}/${t.params.class}`)).size;
    return { stage: s.name, points: sweep.points[s.name] ?? 0, classes, trials: s.trials.length };
  });
  const out = process.stdout;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err; // reader went away (e.g. `| head`): stop quietly
  });
  if (args.json) {
    const head = {
      name: sweep.name,
      sourcePath: sweep.sourcePath,
      sourceHash: sweep.sourceHash,
      maxAttempts: sweep.maxAttempts,
      search: sweep.search,
      searchPoints: sweep.searchPoints,
    };
    const body = args.count
      ? { ...head, datasets: sweep.datasets, stages: counts, trials: sweep.trials.length }
      : { ...head, datasets: sweep.datasets, stages: counts, trials: sweep.trials };
    out.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  if (!args.count) {
    const rows = sweep.trials.map((t) => ({
      key: t.key,
      stage: t.stage,
      class: t.params.class,
      backbone: t.params.backbone,
      weights: t.params.weights,
      wavelet: t.params.wavelet,
      level: t.params.level,
      mode: t.params.mode,
      subbands: t.params.subbands.join('+'),
      sigma: String(t.params.sigma),
      cov_reg: String(t.params.cov_reg),
    }));
    out.write(renderTable(rows) + '\n\n');
  }
  out.write(renderTable(counts) + '\n');
  out.write(`sweep ${sweep.name}: ${sweep.trials.length} distinct trials, max attempts ${sweep.maxAttempts}\n`);
  if (sweep.search.kind === 'random')
    out.write(
      `search random (seed ${sweep.search.seed}): ${sweep.searchPoints} sampled points; the trials above are theirs\n`,
    );
  if (sweep.search.kind === 'halving')
    out.write(
      `search halving (eta ${sweep.search.eta}, ${sweep.search.mode}, budget ${sweep.search.budget}): ${sweep.searchPoints} points; ` +
        `the trials above are rung 0's, later rungs are created by promotions\n`,
    );
}

const expand: CommandModule<object, ExpandArgs> = {
  command: 'expand <file>',
  describe: 'Validate a sweep file and print its trials (or counts); writes nothing',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'sweep YAML file' })
      .option('stage', { type: 'string', describe: 'expand only this stage (repeat the option for several)' })
      .option('count', { type: 'boolean', default: false, describe: 'print grid points and trials per stage only' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' })
      .example('$0 grid expand configs/demo.yaml --count', 'points and trials per stage')
      .example('$0 grid expand configs/phase2-ablation.yaml --stage pixel-best --json', 'trials of one stage as JSON'),
  handler: expandHandler,
};

export const command: CommandModule = {
  command: 'grid <command>',
  describe: 'Sweep files: validate and expand grids',
  builder: (y: Argv) =>
    y
      .command(expand as unknown as CommandModule)
      .demandCommand(1, 'Give a grid command, e.g. `wepadim grid expand FILE`.')
      .example('$0 grid expand configs/phase1-reduced.yaml --count', 'check a sweep before submitting it'),
  handler: () => undefined,
};
