/** `wepadim status SWEEP`: trial counts by state, rate, ETA, workers and their last heartbeat, latest failures. */
import type { Argv, CommandModule } from 'yargs';
import { withDb, writeJson, writeOut, type DbArgs } from '../support/report-options.js';

interface StatusArgs extends DbArgs {
  sweep?: string;
  window: number;
  json: boolean;
}

async function handler(args: StatusArgs): Promise<void> {
  const { locateDb } = await import('../../coordinator/store/index.js');
  const { openReads } = await import('../../coordinator/store/reads/open.js');
  const { listSweeps, sweepStatus } = await import('../../coordinator/report/status.js');
  const { renderTable } = await import('../../shared/table.js');
  const { formatDuration } = await import('../../shared/progress.js');
  const { UserError } = await import('../../shared/errors.js');
  if (!(args.window > 0)) throw new UserError(`--window must be a positive number of minutes, got ${args.window}`);
  const db = openReads(locateDb(args.db, args.sweep));
  try {
    if (args.sweep === undefined) {
      const all = listSweeps(db);
      if (args.json) return writeJson(all);
      const rows = all.map((s) => ({ sweep: s.sweep, trials: s.total, ...s.counts, updated: new Date(s.updated).toISOString().slice(0, 19).replace('T', ' ') }));
      return writeOut(rows.length ? renderTable(rows) + '\n' : 'no sweeps yet: `wepadim submit FILE`\n');
    }
    const st = sweepStatus(db, args.sweep, { windowMs: args.window * 60_000 });
    const { randomWeightsOf } = await import('../../coordinator/report/weights-notice.js');
    const { RANDOM_WEIGHTS_WARNING, randomWeightsBanner } = await import('../../shared/weights-notice.js');
    const random = randomWeightsOf(db, args.sweep);
    if (args.json) return writeJson({ ...st, warning: random.length ? RANDOM_WEIGHTS_WARNING : null, random_weights: random });
    const c = st.counts;
    const pct = st.total ? ((100 * st.finished) / st.total).toFixed(1) : '0.0';
    const lines = [
      `Sweep ${st.sweep}: ${st.total} trials, ${st.finished} finished (${pct}%)`,
      renderTable([{ pending: c.pending, leased: c.leased, running: c.running, done: c.done, failed: c.failed, cancelled: c.cancelled }]),
      st.ratePerMin === null
        ? 'rate: none finished in the window yet; ETA unknown'
        : `rate: ${st.ratePerMin.toFixed(2)} trials/min over the last ${formatDuration(st.rateWindowS)}; ETA ${formatDuration(st.etaS ?? NaN)}`,
    ];
    if (st.workers.length) {
      lines.push(
        '',
        renderTable(
          st.workers.map((w) => ({ worker: w.id, host: w.host, gpu: w.gpu, backend: w.backend, state: w.state, heartbeat: `${formatDuration(w.heartbeatAgeS)} ago`, active: w.active })),
        ),
      );
    } else lines.push('', 'no workers registered');
    if (st.failures.length) {
      lines.push('', 'latest failures:', renderTable(st.failures.map((f) => ({ trial: f.trialId, class: f.class, attempts: f.attempts, error: f.error.split('\n')[0].slice(0, 100) }))));
    }
    writeOut((random.length ? randomWeightsBanner(random) : '') + lines.join('\n') + '\n');
  } finally {
    db.close();
  }
}

export const command: CommandModule<object, StatusArgs> = {
  command: 'status [sweep]',
  describe: 'Trial counts by state, completion rate, ETA, and workers with their last heartbeat (no SWEEP: list sweeps)',
  builder: (y: Argv) =>
    withDb(
      y
        .positional('sweep', { type: 'string', describe: 'sweep name (omit to list every sweep with its counts)' })
        .option('window', { type: 'number', default: 15, describe: 'minutes to look back for the rate' })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' }),
    )
      .example('$0 status', 'every sweep in the database with its trial counts')
      .example('$0 status demo', 'how far along, how fast, who is working')
      .example('$0 status demo --window 60 --json', 'rate over the last hour, as JSON') as unknown as Argv<StatusArgs>,
  handler,
};
