/** `wepadim best SWEEP > best.yaml`: a sweep file that re-runs the winners (class-mean or per-class). */
import type { Argv, CommandModule } from 'yargs';
import { orderOf, withSelection, writeJson, writeOut, type SelectArgs } from '../support/report-options.js';

interface BestArgs extends SelectArgs {
  'per-class': boolean;
  top: number;
  name?: string;
  out?: string;
  pareto?: string;
}

async function handler(args: BestArgs): Promise<void> {
  const { locateDb } = await import('../../coordinator/store/index.js');
  const { openReads } = await import('../../coordinator/store/reads/open.js');
  const { parseFilters } = await import('../../coordinator/report/filters.js');
  const { buildBestSweep } = await import('../../coordinator/report/best-yaml.js');
  const { randomWeightsOf } = await import('../../coordinator/report/weights-notice.js');
  const { RANDOM_WEIGHTS_WARNING } = await import('../../shared/weights-notice.js');
  const { parseParetoMetrics } = await import('../../coordinator/report/pareto.js');
  const filters = parseFilters(args.where ?? []);
  const pareto = args.pareto === undefined ? undefined : parseParetoMetrics(args.pareto);
  const db = openReads(locateDb(args.db, args.sweep));
  let best;
  try {
    best = buildBestSweep(db, {
      sweep: args.sweep,
      metric: args.metric ?? db.defaultMetric(args.sweep),
      perClass: args['per-class'],
      top: args.top,
      filters,
      completeOnly: args.complete,
      order: orderOf(args.order),
      name: args.name,
      pareto,
    });
    const random = randomWeightsOf(db, args.sweep);
    if (random.length) {
      best = { ...best, yaml: `# ${RANDOM_WEIGHTS_WARNING}\n# winners chosen with ${random.join(', ')}\n${best.yaml}` };
      process.stderr.write(`${RANDOM_WEIGHTS_WARNING}\n`);
    }
  } finally {
    db.close();
  }
  if (args.out) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(args.out, best.yaml);
    process.stderr.write(`wrote ${args.out}: sweep ${best.name}, ${best.winners.length} winner(s)\n`);
  }
  if (args.json) writeJson(best);
  else if (!args.out) writeOut(best.yaml);
}

export const command: CommandModule<object, BestArgs> = {
  command: 'best <sweep>',
  describe: 'Write a sweep file (YAML) that re-runs the winning configurations',
  builder: (y: Argv) =>
    withSelection(y)
      .option('per-class', {
        type: 'boolean',
        default: false,
        describe: "each class's best trial (default: the best class-mean grid point)",
      })
      .option('top', { type: 'number', default: 1, describe: 'winners per class, or grid points' })
      .option('name', { type: 'string', describe: 'name of the new sweep (default <sweep>-best-<metric>[-per-class])' })
      .option('pareto', {
        type: 'string',
        describe:
          'write the Pareto front over these class-mean metrics (e.g. image_auroc,pixel_auroc), one stage per point',
      })
      .option('out', { type: 'string', describe: 'write the YAML to this file instead of stdout' })
      .example('$0 best demo --per-class --metric image_auroc > best.yaml', 'one stage per class with its winner')
      .example('$0 best demo --pareto image_auroc,pixel_auroc > front.yaml', 'one stage per non-dominated point')
      .example('$0 best demo --top 3 --out top3.yaml && $0 submit top3.yaml', 're-run the 3 best grid points'),
  handler,
};
