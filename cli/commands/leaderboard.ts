/** `wepadim leaderboard SWEEP`: rank grid points by class mean, or list the best per class; marginals; honest selection. */
import type { Argv, CommandModule } from 'yargs';
import { orderOf, withSelection, writeJson, writeOut, type SelectArgs } from '../support/report-options.js';

interface LeaderboardArgs extends SelectArgs {
  'per-class': boolean;
  top?: number;
  marginals: boolean;
  digits: number;
  also?: string[];
  pareto?: string;
}

async function handler(args: LeaderboardArgs): Promise<void> {
  const { locateDb } = await import('../../coordinator/store/index.js');
  const { openReads } = await import('../../coordinator/store/reads/open.js');
  const { parseFilters } = await import('../../coordinator/report/filters.js');
  const { buildLeaderboard } = await import('../../coordinator/report/leaderboard.js');
  const { leaderboardText } = await import('../../coordinator/report/leaderboard-view.js');
  const { randomWeightsOf } = await import('../../coordinator/report/weights-notice.js');
  const { RANDOM_WEIGHTS_WARNING, randomWeightsBanner } = await import('../../shared/weights-notice.js');
  const filters = parseFilters(args.where ?? []);
  const db = openReads(locateDb(args.db, args.sweep));
  try {
    if (args.pareto !== undefined) {
      const { buildPareto, paretoText, parseParetoMetrics } = await import('../../coordinator/report/pareto.js');
      const front = buildPareto(db, { sweep: args.sweep, metrics: parseParetoMetrics(args.pareto), filters });
      return args.json ? writeJson(front) : writeOut(paretoText(front, args.digits));
    }
    const lb = buildLeaderboard(db, {
      sweep: args.sweep,
      metric: args.metric ?? db.defaultMetric(args.sweep),
      mode: args['per-class'] ? 'per-class' : 'mean',
      top: args.top,
      filters,
      completeOnly: args.complete,
      order: orderOf(args.order),
      // a command sweep has its own metrics: no AUROC columns unless asked for
      also: args.also ?? (db.isCommandSweep(db.sweepId(args.sweep)) ? [] : ['image_auroc', 'pixel_auroc']),
    });
    if (!args.marginals) lb.marginals = [];
    const random = randomWeightsOf(db, args.sweep);
    if (args.json)
      return writeJson({ ...lb, warning: random.length ? RANDOM_WEIGHTS_WARNING : null, random_weights: random });
    writeOut((random.length ? randomWeightsBanner(random) : '') + leaderboardText(lb, args.digits));
  } finally {
    db.close();
  }
}

export const command: CommandModule<object, LeaderboardArgs> = {
  command: 'leaderboard <sweep>',
  describe: "Rank a sweep's grid points by class-mean metric, or show the best trials per class",
  builder: (y: Argv) =>
    withSelection(y)
      .option('per-class', {
        type: 'boolean',
        default: false,
        describe: 'best trials per class (the per-class optimized numbers) instead of class means',
      })
      .option('top', {
        type: 'number',
        describe: 'how many points (default 10), or trials per class with --per-class (default 1)',
      })
      .option('marginals', {
        type: 'boolean',
        default: true,
        describe: 'show per-parameter marginal means (--no-marginals to hide)',
      })
      .option('digits', { type: 'number', default: 4, describe: 'decimals in the human table' })
      .option('pareto', {
        type: 'string',
        describe: 'list the non-dominated points over these class-mean metrics, e.g. image_auroc,pixel_auroc',
      })
      .option('also', {
        type: 'string',
        array: true,
        describe:
          'metrics shown beside the ranking one (default: image_auroc and pixel_auroc; none for a command sweep)',
      })
      .example('$0 leaderboard demo', 'top 10 grid points by class-mean image AUROC')
      .example(
        '$0 leaderboard demo --metric pixel_auroc --per-class --top 3',
        'the 3 best trials of every class by pixel AUROC',
      )
      .example(
        '$0 leaderboard demo --where wavelet=haar,sym4 --where subbands=LL+LH+HL --complete',
        'filtered, complete points only',
      )
      .example('$0 leaderboard demo --also aupro --also time.total_s', 'other metrics beside image AUROC')
      .example('$0 leaderboard demo --pareto image_auroc,pixel_auroc', 'the points no other point beats on both')
      .example('$0 leaderboard demo --json | jq .points[0]', 'the winner as JSON'),
  handler,
};
