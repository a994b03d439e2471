/**
 * Shared pieces of the store/report CLI commands (submit, resume, leaderboard, status, export, best):
 * the --db option, filter options, and stdout writing that stops quietly when the reader goes away.
 */
import type { Argv } from 'yargs';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_DB_PATH } from '../../coordinator/store/paths.js';

export interface DbArgs {
  db?: string;
}

export interface SelectArgs extends DbArgs {
  sweep: string;
  /** absent: the sweep's own default (its halving metric, else image_auroc): StoreReads.defaultMetric */
  metric?: string;
  where?: string[];
  complete?: boolean;
  order?: string;
  json?: boolean;
}

export function withDb<T>(y: Argv<T>): Argv<T & DbArgs> {
  return y.option('db', {
    type: 'string',
    describe: `SQLite database (default $WEPADIM_DB, else ${DEFAULT_DB_PATH}, else runs/<sweep>/wepadim.db as written by \`wepadim run\`)`,
  });
}

/** SWEEP positional, --metric, --where, --complete, --order, --json, --db */
export function withSelection<T>(y: Argv<T>): Argv<T & SelectArgs> {
  return withDb(
    y
      .positional('sweep', { type: 'string', demandOption: true, describe: 'sweep name' })
      .option('metric', {
        type: 'string',
        describe:
          "final metric to rank by, e.g. image_auroc, pixel_auroc, aupro, loss (default: a halving sweep's metric, else image_auroc)",
      })
      .option('where', {
        type: 'string',
        array: true,
        describe:
          'keep trials whose parameter matches: KEY=V1[,V2...] (repeatable; subbands as LL+LH+HL; none for null)',
      })
      .option('complete', {
        type: 'boolean',
        default: false,
        describe: 'only grid points where every class has the metric',
      })
      .option('order', {
        type: 'string',
        choices: ['desc', 'asc'],
        describe: 'desc = higher is better (default; asc for time.*, peak_rss_mb and loss)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' }),
  );
}

export function orderOf(v: string | undefined): 'asc' | 'desc' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'asc' && v !== 'desc') throw new UserError(`--order must be asc or desc, got ${v}`);
  return v;
}

/** Write to stdout; a closed pipe (`| head`) ends the command quietly. */
export function writeOut(text: string): void {
  const out = process.stdout;
  if (out.listenerCount('error') === 0) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  out.write(text);
}

/** JSON output: a grid point (`point`, stored as canonical JSON text) is written as an object, not a string in a string. */
export function writeJson(value: unknown): void {
  writeOut(
    JSON.stringify(
      value,
      (k, v: unknown) => (k === 'point' && typeof v === 'string' && v.startsWith('{') ? (JSON.parse(v) as unknown) : v),
      2,
    ) + '\n',
  );
}
