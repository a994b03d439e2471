/**
 * `wepadim best`: a sweep file that re-runs the winners of a sweep, one stage per winner:
 *  - class mean (default): the top point(s) by class-mean metric, on every class that point had
 *  - per class: each class's top trial(s), on that class only
 * Every parameter is written out explicitly, so the file does not depend on the defaults of a later version.
 * The format is that of docs/sweep-format.md (coordinator/grid reads it back with loadSweepFile); a command
 * sweep's winners are written as a command sweep (best-command.ts).
 */
import { Document, visit } from 'yaml';
import type { TrialParams } from '../../shared/trial.js';
import { UserError } from '../../shared/errors.js';
import type { StoreReads } from '../store/reads/index.js';
import { expandSweepText, type SyntheticDatasetSpec } from '../grid/index.js';
import type { ParamFilter } from './filters.js';
import { defaultOrder, type Order } from '../store/reads/index.js';
import { commandBestYaml } from './best-command.js';
import { buildPareto } from './pareto.js';

export interface BestRequest {
  sweep: string;
  metric: string;
  perClass: boolean;
  /** winners per class (per-class) or points (class mean); default 1 */
  top?: number;
  filters?: readonly ParamFilter[];
  completeOnly?: boolean;
  order?: Order;
  /** name of the new sweep; default "<sweep>-best-<metric>[-per-class]" */
  name?: string;
  /** write the Pareto front over these metrics instead (one stage per non-dominated point) */
  pareto?: readonly string[];
}

export interface Winner {
  stage: string;
  /** the stage's description when it is not "<how>: <value>" */
  description?: string;
  classes: string[];
  value: number;
  params: Omit<TrialParams, 'class'>;
  /** the grid point (canonical JSON), as the store groups trials */
  point: string;
}

export interface BestSweep {
  name: string;
  winners: Winner[];
  yaml: string;
}

type Point = Omit<TrialParams, 'class'>;

/**
 * Generator specs of the source sweep's synthetic datasets, by absolute root, read back from the stored
 * YAML so the new file can regenerate the data too. Empty when the stored text no longer expands.
 */
function syntheticSpecs(reads: StoreReads, sweepId: number): Map<string, SyntheticDatasetSpec> {
  const src = reads.sweepSource(sweepId);
  try {
    const ex = expandSweepText(src.yaml, src.path ?? 'sweep.yaml');
    return new Map(ex.datasets.filter((d) => d.synthetic).map((d) => [d.root, d.synthetic as SyntheticDatasetSpec]));
  } catch {
    return new Map();
  }
}

/** The grid block of one stage: every parameter as a single value, the dataset narrowed to `classes`. */
function gridOf(p: Point, classes: string[], synthetic: SyntheticDatasetSpec | undefined): Record<string, unknown> {
  const g: Record<string, unknown> = {
    dataset: synthetic
      ? { kind: p.dataset, root: p.root, classes, synthetic }
      : { kind: p.dataset, root: p.root, classes },
    backbone: p.backbone,
    objective: p.objective,
    weights: p.weights,
    wavelet: p.wavelet,
    level: p.level,
    mode: p.mode,
    align: p.align,
    subbands: p.subbands,
    distance: p.distance,
    smoothing: p.smoothing,
    sigma: p.sigma,
    cov_reg: p.cov_reg,
  };
  if (p.synthetic) g.synthetic = p.synthetic;
  if (p.selection) g.selection = p.selection;
  return g;
}

const stageName = (s: string): string => s.replace(/[^A-Za-z0-9_.-]/g, '_');

export function buildBestSweep(reads: StoreReads, req: BestRequest): BestSweep {
  const sweepId = reads.sweepId(req.sweep);
  const top = req.top ?? 1;
  if (!Number.isInteger(top) || top < 1) throw new UserError(`--top must be a positive integer, got ${top}`);
  const opts = {
    filters: req.filters ?? [],
    completeOnly: req.completeOnly ?? false,
    order: req.order ?? defaultOrder(req.metric),
  };
  const winners: Winner[] = [];
  const command = reads.isCommandSweep(sweepId);
  if (command && req.perClass)
    throw new UserError(`--per-class: sweep ${req.sweep} is a command sweep, which has no classes to pick winners in`);
  if (req.pareto) {
    if (req.perClass) throw new UserError('--pareto and --per-class cannot be combined');
    buildPareto(reads, { sweep: req.sweep, metrics: req.pareto, filters: opts.filters }).front.forEach((f, i) => {
      const classes = reads.pointClassValues(sweepId, f.point, req.pareto?.[0] ?? req.metric).map((v) => v.class);
      const desc = Object.entries(f.values)
        .map(([m, v]) => `${m} ${v}`)
        .join(', ');
      winners.push({
        stage: `pareto-${i + 1}`,
        classes,
        value: f.values[req.pareto?.[0] ?? req.metric],
        params: f.params as Point,
        point: f.point,
        description: desc,
      });
    });
  } else if (req.perClass) {
    for (const e of reads.bestPerClass(sweepId, req.metric, { ...opts, top })) {
      winners.push({
        stage: stageName(top === 1 ? e.class : `${e.class}-${e.rank}`),
        classes: [e.class],
        value: e.value,
        params: e.params as Point,
        point: e.point,
      });
    }
  } else {
    reads
      .rankPoints(sweepId, req.metric, opts)
      .slice(0, top)
      .forEach((p, i) => {
        const classes = reads.pointClassValues(sweepId, p.point, req.metric).map((v) => v.class);
        winners.push({ stage: `rank-${i + 1}`, classes, value: p.mean, params: p.params as Point, point: p.point });
      });
  }
  if (winners.length === 0)
    throw new UserError(`sweep ${req.sweep} has no finished trial with metric '${req.metric}' to pick winners from`);
  const name =
    req.name ??
    stageName(
      req.pareto
        ? `${req.sweep}-pareto-${req.pareto.join('-')}`
        : `${req.sweep}-best-${req.metric}${req.perClass ? '-per-class' : ''}`,
    );
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new UserError(`--name ${JSON.stringify(name)}: use letters, digits, _ . -`);
  const how = req.pareto
    ? `the Pareto front of class-mean ${req.pareto.join(', ')}`
    : req.perClass
      ? `best ${req.metric} per class`
      : command
        ? `best ${req.metric}`
        : `best class-mean ${req.metric}`;
  const description = `Winners of sweep ${req.sweep} (${how}${top > 1 ? `, top ${top}` : ''}), written by wepadim best`;
  const comment = ` Re-runs the winners of sweep "${req.sweep}" by ${how}. Submit with: wepadim submit <this file>`;
  if (command) return { name, winners, yaml: commandBestYaml(reads, sweepId, { name, description, comment }, winners) };
  const synth = syntheticSpecs(reads, sweepId);
  const stages: Record<string, unknown> = {};
  for (const w of winners)
    stages[w.stage] = {
      description: w.description ?? `${how}: ${w.value}`,
      grid: gridOf(w.params, w.classes, synth.get(w.params.root)),
    };
  const doc = new Document(
    {
      name,
      description,
      stages,
    },
    { aliasDuplicateObjects: false },
  );
  visit(doc, { Seq: (_key, node) => void (node.flow = true) }); // [LL, LH, HL] and [bottle], not one item per line
  doc.commentBefore = comment;
  return { name, winners, yaml: doc.toString({ lineWidth: 0, flowCollectionPadding: false }) };
}
