/**
 * `wepadim export SWEEP --format csv|json|markdown|latex|parquet`: ranked grid summaries, the paper-style per-class
 * table and one row per trial; Parquet (binary) goes to --out or a redirected stdout, never to a terminal.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { orderOf, withSelection, writeOut, type SelectArgs } from '../support/report-options.js';

interface ExportArgs extends SelectArgs {
  format?: 'csv' | 'json' | 'markdown' | 'latex' | 'parquet';
  table: 'ranked' | 'long' | 'per-class' | 'models' | 'trials';
  provenance: boolean;
  digits: number;
  top?: number;
  out?: string;
}

async function handler(args: ExportArgs): Promise<void> {
  const { locateDb } = await import('../../coordinator/store/index.js');
  const { openReads } = await import('../../coordinator/store/reads/open.js');
  const { parseFilters } = await import('../../coordinator/report/filters.js');
  const { buildExport } = await import('../../coordinator/report/export.js');
  const { renderAs } = await import('../../coordinator/report/formats.js');
  const { randomWeightsOf } = await import('../../coordinator/report/weights-notice.js');
  const { RANDOM_WEIGHTS_WARNING, randomWeightsBanner } = await import('../../shared/weights-notice.js');
  const filters = parseFilters(args.where ?? []);
  const db = openReads(locateDb(args.db, args.sweep));
  let text: string | Uint8Array;
  try {
    const table = buildExport(db, {
      sweep: args.sweep,
      table: args.table,
      metric: args.metric ?? db.defaultMetric(args.sweep),
      filters,
      completeOnly: args.complete,
      order: orderOf(args.order),
      provenance: args.provenance,
      top: args.top,
    });
    if (args.json && args.format !== undefined && args.format !== 'json')
      throw new UserError(`--json and --format ${args.format} disagree: give one (--json is --format json)`);
    const format = args.format ?? (args.json ? 'json' : 'csv');
    if (format === 'parquet' && !args.out && process.stdout.isTTY)
      throw new UserError('--format parquet writes a binary file: give --out FILE.parquet or redirect stdout');
    text =
      format === 'parquet'
        ? (await import('../../coordinator/report/parquet.js')).toParquet(table)
        : renderAs(table, format, args.digits);
    const random = randomWeightsOf(db, args.sweep);
    if (random.length) {
      // csv and json stay machine-readable: the notice goes to stderr; documents carry it in the text
      process.stderr.write(randomWeightsBanner(random));
      if (format === 'markdown' && typeof text === 'string')
        text = `> **${RANDOM_WEIGHTS_WARNING}** (${random.join(', ')})\n\n${text}`;
      if (format === 'latex' && typeof text === 'string')
        text = `% ${RANDOM_WEIGHTS_WARNING} (${random.join(', ')})\n${text}`;
    }
  } finally {
    db.close();
  }
  if (args.out) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(args.out, text);
    process.stderr.write(`wrote ${args.out}\n`);
  } else if (typeof text === 'string') writeOut(text);
  else process.stdout.write(text);
}

export const command: CommandModule<object, ExportArgs> = {
  command: 'export <sweep>',
  describe:
    'Export ranked grid summaries (real parameter columns), the per-class table or every trial as CSV, JSON, Markdown, LaTeX or Parquet',
  builder: (y: Argv) =>
    withSelection(y)
      .option('format', {
        type: 'string',
        choices: ['csv', 'json', 'markdown', 'latex', 'parquet'],
        describe:
          'output format (default csv; --json is --format json; parquet: typed columns for pandas.read_parquet)',
      })
      .option('table', {
        type: 'string',
        choices: ['ranked', 'long', 'per-class', 'models', 'trials'],
        default: 'ranked',
        describe:
          "ranked: one row per grid point; long: the original tool's CSV layout; per-class: paper-style table; models: best per backbone (model_comparison.csv); trials: one row per trial with every metric",
      })
      .option('provenance', {
        type: 'boolean',
        default: false,
        describe: 'per-class: add code version, backend, weights, dataset root',
      })
      .option('digits', { type: 'number', default: 4, describe: 'decimals in markdown and latex' })
      .option('top', { type: 'number', describe: 'ranked/long: only the K best grid points' })
      .option('out', { type: 'string', describe: 'write to this file instead of stdout' })
      .example('$0 export demo --format csv > demo.csv', 'grid points ranked by class-mean image AUROC')
      .example(
        '$0 export demo --table long --metric pixel_auroc',
        "the original tool's long CSV, with real parameter values",
      )
      .example('$0 export demo --table per-class --format latex --digits 3', 'paper-style per-class table')
      .example(
        '$0 export demo --table trials --out trials.csv',
        'one row per trial: parameters, aupro, f1_max, per-defect AUROCs, timings',
      )
      .example(
        '$0 export demo --table trials --format parquet --out trials.parquet',
        'the same as Parquet: pandas.read_parquet("trials.parquet") gives typed columns',
      ) as unknown as Argv<ExportArgs>,
  handler,
};
