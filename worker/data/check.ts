/** `dataset check`: decode every image and mask of a dataset and report the unusable ones by file name. */
import { errorMessage } from '../../shared/errors.js';
import { decodeImage, decodeMask } from './decode.js';
import { listClass, listClasses } from './catalogue.js';
import type { DatasetKind, ListClassOptions, SampleRef } from './types.js';

export interface CheckProblem {
  className: string;
  file: string | null;
  message: string;
}

export interface CheckReport {
  classes: { className: string; images: number; masks: number; problems: number }[];
  problems: CheckProblem[];
}

async function checkSample(s: SampleRef): Promise<string | null> {
  const img = await decodeImage(s.path);
  if (s.maskPath === null) return null;
  const mask = await decodeMask(s.maskPath);
  if (mask.width !== img.width || mask.height !== img.height) {
    return `${s.maskPath}: mask is ${mask.width}x${mask.height} but its image is ${img.width}x${img.height}`;
  }
  return null;
}

export async function checkDataset(
  kind: DatasetKind,
  root: string,
  opts: ListClassOptions & {
    classes?: string[];
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<CheckReport> {
  const classes = opts.classes ?? listClasses(kind, root, opts);
  const report: CheckReport = { classes: [], problems: [] };
  const work: { className: string; sample: SampleRef }[] = [];
  for (const className of classes) {
    try {
      const l = listClass(kind, root, className, opts);
      for (const sample of [...l.train, ...l.test]) work.push({ className, sample });
      report.classes.push({
        className,
        images: l.train.length + l.test.length,
        masks: l.test.filter((s) => s.maskPath !== null).length + l.train.filter((s) => s.maskPath !== null).length,
        problems: 0,
      });
    } catch (err) {
      report.classes.push({ className, images: 0, masks: 0, problems: 1 });
      report.problems.push({ className, file: null, message: errorMessage(err) });
    }
  }
  let next = 0;
  let done = 0;
  const run = async (): Promise<void> => {
    while (next < work.length) {
      const { className, sample } = work[next++];
      let message: string | null;
      try {
        message = await checkSample(sample);
      } catch (err) {
        message = errorMessage(err);
      }
      if (message !== null) {
        report.problems.push({ className, file: sample.path, message });
        const c = report.classes.find((x) => x.className === className);
        if (c) c.problems++;
      }
      opts.onProgress?.(++done, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, run));
  report.problems.sort((a, b) => (a.className + (a.file ?? '')).localeCompare(b.className + (b.file ?? '')));
  return report;
}
