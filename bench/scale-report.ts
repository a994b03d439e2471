/**
 * The scale benchmark's per-phase accounting, read from a finished run's database: each trial's result holds its
 * variant's own phases (fit split into Gram+cross and solves, smoothing, metrics) and the shared ones (decode+resize
 * and backbone once per class and lease, divided by the trials that shared them; the DWT once per DWT group). CPU-
 * seconds come from the runner's per-thread CPU clocks (`details.cpu_s`); wall seconds from the `time.*` metrics.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ScaleRun } from './scale-runs.js';

export const PHASES = ['load', 'backbone', 'dwt', 'gram', 'solve', 'score', 'metrics'] as const;
export type Phase = (typeof PHASES)[number];
const LABEL: Record<Phase, string> = {
  load: 'decode+resize',
  backbone: 'backbone',
  dwt: 'DWT',
  gram: 'Gram+cross',
  solve: 'solves',
  score: 'smoothing',
  metrics: 'metrics',
};

interface ResultDoc {
  metrics: Record<string, number>;
  details: {
    shared_with?: { features: number; dwt: number };
    n_train?: number;
    n_test?: number;
    dwt_blockwise?: 'spill' | 'dwt' | true;
    phases_s?: { wall: Partial<Record<Phase, number>>; cpu: Partial<Record<Phase, number>> };
  };
}

export interface RunTotals {
  trials: number;
  failed: number;
  wall: Record<Phase, number>;
  cpu: Record<Phase, number> | null;
  workerPeakRssMb: number;
  biggest: { cls: string; nTrain: number; peakRssMb: number } | null;
  /** each class's worker peak (peak_rss_mb is the peak since the worker began the trial's class), highest first */
  classPeaks: { cls: string; nTrain: number; peakRssMb: number }[];
  /** seconds from the first trial's start to the last trial's finish, and to the last maps job's finish */
  gridS: number;
  mapsJobs: number;
  mapsUntilS: number | null;
  /** DWT groups (worker, class, DWT config) that held their blocks one at a time, by how ('spill', 'dwt') */
  blockwise: Record<string, number>;
}

/** CPU-seconds of this process's waited-for children (the worker processes), from /proc/self/stat. */
export function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // cutime, cstime (fields 16 and 17) in clock ticks
}

export function readTotals(dbPath: string): RunTotals {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT t.class AS cls, t.dwt_key AS dwt, a.worker_id AS worker, r.result_json AS json
         FROM results r JOIN trials t ON t.id = r.trial_id JOIN attempts a ON a.id = r.attempt_id`,
      )
      .all() as { cls: string; dwt: string; worker: string; json: string }[];
    const failed = (db.prepare(`SELECT COUNT(*) AS n FROM trials WHERE status <> 'done'`).get() as { n: number }).n;
    const zero = (): Record<Phase, number> => Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    const wall = zero();
    const cpu = zero();
    let haveCpu = rows.length > 0;
    const dwtWall = new Map<string, number>();
    const dwtCpu = new Map<string, number>();
    let peak = 0;
    const perClass = new Map<string, { nTrain: number; peak: number }>();
    const blockwiseGroups = new Map<string, string>();
    for (const row of rows) {
      const r = JSON.parse(row.json) as ResultDoc;
      const bw = r.details.dwt_blockwise;
      if (bw !== undefined) blockwiseGroups.set(`${row.worker}|${row.cls}|${row.dwt}`, bw === true ? 'dwt' : bw);
      const m = r.metrics;
      const share = r.details.shared_with?.features ?? 1;
      wall.load += m['time.load_s'] / share;
      wall.backbone += m['time.backbone_s'] / share;
      const ph = r.details.phases_s;
      if (ph) {
        wall.gram += ph.wall.gram ?? 0;
        wall.solve += ph.wall.solve ?? 0;
      } else {
        wall.solve += m['time.fit_s'];
      }
      wall.score += m['time.score_s'];
      wall.metrics += m['time.metrics_s'];
      // the DWT's time is cumulative within its group: keep the largest per (worker, DWT group)
      const g = `${row.worker}|${row.dwt}`;
      dwtWall.set(g, Math.max(dwtWall.get(g) ?? 0, m['time.dwt_s']));
      if (ph) {
        cpu.load += (ph.cpu.load ?? 0) / share;
        cpu.backbone += (ph.cpu.backbone ?? 0) / share;
        for (const p of ['gram', 'solve', 'score', 'metrics'] as const) cpu[p] += ph.cpu[p] ?? 0;
        dwtCpu.set(g, Math.max(dwtCpu.get(g) ?? 0, ph.cpu.dwt ?? 0));
      } else {
        haveCpu = false;
      }
      peak = Math.max(peak, m.peak_rss_mb);
      const c = perClass.get(row.cls) ?? { nTrain: r.details.n_train ?? 0, peak: 0 };
      c.peak = Math.max(c.peak, m.peak_rss_mb);
      perClass.set(row.cls, c);
    }
    wall.dwt = [...dwtWall.values()].reduce((a, b) => a + b, 0);
    cpu.dwt = [...dwtCpu.values()].reduce((a, b) => a + b, 0);
    const big = [...perClass.entries()].sort((a, b) => b[1].nTrain - a[1].nTrain)[0];
    // the winners' maps jobs run after their stage's grid: they re-run trials without recording results
    const span = db.prepare('SELECT min(started_at) AS s, max(finished_at) AS f FROM trials').get() as {
      s: number | null;
      f: number | null;
    };
    const maps = db.prepare('SELECT count(*) AS n, max(finished_at) AS f FROM map_jobs').get() as {
      n: number;
      f: number | null;
    };
    const t0 = span.s ?? 0;
    return {
      gridS: ((span.f ?? t0) - t0) / 1000,
      mapsJobs: maps.n,
      blockwise: [...blockwiseGroups.values()].reduce<Record<string, number>>((acc, k) => {
        acc[k] = (acc[k] ?? 0) + 1;
        return acc;
      }, {}),
      mapsUntilS: maps.f === null ? null : (maps.f - t0) / 1000,
      trials: rows.length,
      failed,
      wall,
      cpu: haveCpu ? cpu : null,
      workerPeakRssMb: peak,
      biggest: big ? { cls: big[0], nTrain: big[1].nTrain, peakRssMb: big[1].peak } : null,
      classPeaks: [...perClass.entries()]
        .map(([cls, c]) => ({ cls, nTrain: c.nTrain, peakRssMb: c.peak }))
        .sort((a, b) => b.peakRssMb - a.peakRssMb),
    };
  } finally {
    db.close();
  }
}

export interface RunReport extends RunTotals {
  wallS: number;
  workersCpu: number;
  coordinatorCpu: number;
  lines(run: ScaleRun, workers: number): string[];
}

export function phaseReport(
  dbPath: string,
  m: { wall: number; coordinatorCpu: number; workersCpu: number; coordinatorRssMb: number; load: [number, number] },
): RunReport {
  const t = readTotals(dbPath);
  const fmt = (r: Record<Phase, number>): string => PHASES.map((p) => `${LABEL[p]} ${r[p].toFixed(1)}`).join(', ');
  return {
    ...t,
    wallS: m.wall,
    workersCpu: m.workersCpu,
    coordinatorCpu: m.coordinatorCpu,
    lines: (run, workers) => [
      `- **${run.name}**: ${run.what}. ${t.trials} trials done${t.failed ? `, ${t.failed} not done` : ''}, ${workers} workers: ` +
        `**wall ${m.wall.toFixed(1)} s** (target <= ${run.targetS} s: ${m.wall <= run.targetS ? 'met' : 'MISSED'}); load average ${m.load[0].toFixed(1)} -> ${m.load[1].toFixed(1)}`,
      `   CPU-seconds: workers ${m.workersCpu.toFixed(1)}, coordinator+store ${m.coordinatorCpu.toFixed(1)}; by phase (summed over workers): ` +
        (t.cpu ? fmt(t.cpu) : 'n/a (results without per-thread CPU clocks)'),
      `   wall-seconds by phase (summed over workers): ${fmt(t.wall)}`,
      `   first trial start -> last trial finish ${t.gridS.toFixed(1)} s; ${t.mapsJobs} winners' maps jobs (trials re-run ` +
        `with maps kept, results not recorded, their CPU in "workers" only)` +
        (t.mapsUntilS === null ? '' : ` until ${t.mapsUntilS.toFixed(1)} s`),
      `   peak RSS: coordinator ${m.coordinatorRssMb.toFixed(0)} MB, worker ${t.workerPeakRssMb.toFixed(0)} MB` +
        (t.biggest
          ? ` (largest class ${t.biggest.cls}, ${t.biggest.nTrain} train: ${t.biggest.peakRssMb.toFixed(0)} MB)`
          : '') +
        (Object.keys(t.blockwise).length
          ? `; DWT groups held block by block: ${Object.entries(t.blockwise)
              .map(([k, n]) => `${n} (${k})`)
              .join(', ')}`
          : ''),
      ...(t.classPeaks.length > 1
        ? [
            `   worker peak RSS by class (MB, train images): ` +
              t.classPeaks.map((c) => `${c.cls} ${c.peakRssMb.toFixed(0)} (${c.nTrain})`).join(', '),
          ]
        : []),
    ],
  };
}
