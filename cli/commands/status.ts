/** `wepadim status SWEEP`: trial counts by state, rate, ETA, workers and their last heartbeat, latest failures. */
import type { Argv, CommandModule } from 'yargs';
import { withDb, writeJson, writeOut, type DbArgs } from '../support/report-options.js';

interface StatusArgs extends DbArgs {
  sweep?: string;
  window: number;
  full: boolean;
  watch?: number;
  json: boolean;
}

/** `--watch [S]`: redraw every S seconds (the screen is cleared on a terminal) until Ctrl-C. */
async function watch(args: StatusArgs): Promise<void> {
  const { UserError } = await import('../../shared/errors.js');
  const seconds = args.watch ?? 2;
  if (!(seconds > 0)) throw new UserError(`--watch must be a positive number of seconds, got ${seconds}`);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (!stop.signal.aborted) {
      if (process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[J');
      await handler({ ...args, watch: undefined });
      if (!process.stdout.isTTY) writeOut(`-- ${new Date().toISOString()} (every ${seconds} s; Ctrl-C stops)\n`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, seconds * 1000);
        stop.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function handler(args: StatusArgs): Promise<void> {
  const { locateDb } = await import('../../coordinator/store/index.js');
  const { openReads } = await import('../../coordinator/store/reads/open.js');
  const { listSweeps, sweepStatus } = await import('../../coordinator/report/status.js');
  const { renderTable } = await import('../../shared/table.js');
  const { statusText } = await import('../../coordinator/report/status-view.js');
  const { UserError } = await import('../../shared/errors.js');
  const { coordinatorNote } = await import('../../coordinator/report/coordinator-line.js');
  if (!(args.window > 0)) throw new UserError(`--window must be a positive number of minutes, got ${args.window}`);
  const db = openReads(locateDb(args.db, args.sweep));
  try {
    if (args.sweep === undefined) {
      const all = listSweeps(db);
      const coordinator = coordinatorNote(db.coordinatorLease());
      if (args.json) return writeJson(all);
      const rows = all.map((s) => ({
        sweep: s.sweep,
        trials: s.total,
        ...s.counts,
        updated: new Date(s.updated).toISOString().slice(0, 19).replace('T', ' '),
      }));
      return writeOut(
        (rows.length ? renderTable(rows) + '\n' : 'no sweeps yet: `wepadim submit FILE`\n') + coordinator.text + '\n',
      );
    }
    const st = sweepStatus(db, args.sweep, { windowMs: args.window * 60_000 });
    const { randomWeightsOf } = await import('../../coordinator/report/weights-notice.js');
    const { RANDOM_WEIGHTS_WARNING, randomWeightsBanner } = await import('../../shared/weights-notice.js');
    const random = randomWeightsOf(db, args.sweep);
    const coordinator = coordinatorNote(db.coordinatorLease());
    if (args.json)
      return writeJson({
        ...st,
        warning: random.length ? RANDOM_WEIGHTS_WARNING : null,
        random_weights: random,
        coordinator: { state: coordinator.state, heartbeat_age_s: coordinator.heartbeatAgeS, ...coordinator.holder },
      });
    writeOut(
      (random.length ? randomWeightsBanner(random) : '') +
        statusText(st, { full: args.full }) +
        coordinator.text +
        '\n',
    );
  } finally {
    db.close();
  }
}

export const command: CommandModule<object, StatusArgs> = {
  command: 'status [sweep]',
  describe:
    'Trial counts by state, completion rate, ETA, and workers with their last heartbeat (no SWEEP: list sweeps)',
  builder: (y: Argv) =>
    withDb(
      y
        .positional('sweep', { type: 'string', describe: 'sweep name (omit to list every sweep with its counts)' })
        .option('window', { type: 'number', default: 15, describe: 'minutes to look back for the rate' })
        .option('watch', {
          type: 'number',
          coerce: (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 2 : v),
          describe: 'redraw every S seconds (default 2) until Ctrl-C',
        })
        .option('full', {
          type: 'boolean',
          default: false,
          describe: 'print errors whole (default: first line, 100 characters)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output (errors whole)' }),
    )
      .example('$0 status', 'every sweep in the database with its trial counts')
      .example('$0 status demo', 'how far along, how fast, who is working')
      .example('$0 status demo --watch', 'redraw every 2 s')
      .example('$0 status demo --full', 'with every failure reason in full')
      .example('$0 status demo --window 60 --json', 'rate over the last hour, as JSON'),
  handler: (a) => ('watch' in a && a.watch !== undefined ? watch(a) : handler(a)),
};
