/**
 * The runs of the scale benchmark (issue 14's table): each is a sweep file written next to the run, extending the
 * repository's own sweep files with the synthetic MVTec-profile root and random:0 weights.
 */
import { join } from 'node:path';
import { repoRoot } from '../shared/version.js';

export interface ScaleRun {
  name: string;
  what: string;
  /** target wall time in seconds (issue 14) */
  targetS: number;
  /** only these classes (default: all 15) */
  classes?: string[];
  /** each worker's --max-rss, MB */
  maxRssMb?: number;
  /** then `wepadim best` and the best-configs sweeps it writes, inside the same target */
  thenBest?: boolean;
  sweep(root: string, classes: readonly string[]): string;
}

const cfg = (f: string): string => JSON.stringify(join(repoRoot(), 'configs', f));
const dataset = (root: string, classes: readonly string[]): string =>
  `  dataset: {kind: mvtec, root: ${JSON.stringify(root)}, classes: [${classes.join(', ')}]}\n  weights: random:0\n`;

const phase1 =
  (name: string, backbone: string, extra = ''): ScaleRun['sweep'] =>
  (root, classes) =>
    `extends: ${cfg('phase1-reduced.yaml')}\nname: scale-${name}\ngrid:\n${dataset(root, classes)}  backbone: ${backbone}\n${extra}`;

export const QUICK_CLASSES = ['toothbrush', 'bottle', 'grid'];

export const RUNS: readonly ScaleRun[] = [
  {
    name: 'quick',
    what: 'phase 1, resnet18, 3-class slice (toothbrush, bottle, grid)',
    targetS: 180,
    classes: QUICK_CLASSES,
    sweep: phase1('quick', 'resnet18'),
  },
  {
    name: 'phase1-resnet18',
    what: 'phase 1, resnet18, 216 points x 15 classes',
    targetS: 600,
    sweep: phase1('phase1-resnet18', 'resnet18'),
  },
  {
    name: 'phase1-b0',
    what: 'phase 1, efficientnet-b0, 216 points x 15 classes',
    targetS: 600,
    sweep: phase1('phase1-b0', 'efficientnet-b0'),
  },
  {
    name: 'wrn50',
    what: 'wide_resnet50_2, haar+sym4, J 1-2, 4 subband sets, 3 sigma, 3 cov_reg (144 points x 15 classes), --max-rss 3072',
    targetS: 1200,
    maxRssMb: 3072,
    sweep: phase1('wrn50', 'wide_resnet50_2', '  wavelet: [haar, sym4]\n'),
  },
  {
    name: 'phase2',
    what: 'phase-2 ablation for resnet18 (2 stages x 15 subsets x 15 classes)',
    targetS: 300,
    thenBest: true,
    sweep: (root, classes) =>
      `extends: ${cfg('phase2-ablation.yaml')}\nname: scale-phase2\ngrid:\n${dataset(root, classes)}  backbone: resnet18\n`,
  },
];
