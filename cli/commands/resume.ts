/** `wepadim resume SWEEP`: put failed trials and trials with an expired lease back to pending, within the retry limit. */
import type { Argv, CommandModule } from 'yargs';
import { withDb, writeJson, writeOut, type DbArgs } from '../support/report-options.js';

interface ResumeArgs extends DbArgs {
  sweep: string;
  'max-attempts'?: number;
  cancelled: boolean;
  json: boolean;
}

async function handler(args: ResumeArgs): Promise<void> {
  const { SweepStore, locateDb } = await import('../../coordinator/store/index.js');
  const { openReads } = await import('../../coordinator/store/reads/open.js');
  const path = locateDb(args.db, args.sweep);
  openReads(path).close(); // a missing database is an error here, not a new empty one
  const store = SweepStore.open(path);
  try {
    const r = store.resume(args.sweep, { maxAttempts: args['max-attempts'], cancelled: args.cancelled });
    if (args.json) return writeJson({ sweep: args.sweep, ...r });
    writeOut(
      `sweep ${args.sweep}: re-queued ${r.requeued} trial(s) (${r.requeued - r.expired - r.cancelled} failed, ${r.expired} with an expired lease` +
        `${args.cancelled ? `, ${r.cancelled} cancelled` : ''})` +
        (r.exhausted ? `; ${r.exhausted} left failed: attempts used up (raise with --max-attempts)` : '') +
        '\n',
    );
  } finally {
    store.close();
  }
}

export const command: CommandModule<object, ResumeArgs> = {
  command: 'resume <sweep>',
  describe:
    'Re-queue failed and lease-expired trials of a sweep, within their retry limit (--cancelled: cancelled ones too)',
  builder: (y: Argv) =>
    withDb(
      y
        .positional('sweep', { type: 'string', demandOption: true, describe: 'sweep name' })
        .option('max-attempts', {
          type: 'number',
          describe: 'new retry limit for the re-queued trials (default: their own, from the sweep file)',
        })
        .option('cancelled', {
          type: 'boolean',
          default: false,
          describe: 'also re-queue cancelled trials (each gets at least one more attempt)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' }),
    )
      .example('$0 resume demo', 're-queue what failed or was abandoned')
      .example('$0 resume demo --cancelled', 'undo `wepadim cancel demo`: cancelled trials run again')
      .example('$0 resume demo --max-attempts 5', 'also give trials that used up their 3 attempts two more'),
  handler,
};
