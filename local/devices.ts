/**
 * How many local workers `wepadim run` starts: one per GPU when a GPU executor is installed and GPUs are
 * listed by nvidia-smi, else one per core.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

export interface LocalDevices {
  /** GPU indices to give the workers (one worker each), or empty for CPU workers */
  gpus: number[];
  cpuWorkers: number;
  note: string;
}

/** GPU indices from `nvidia-smi -L` output ("GPU 0: NVIDIA A100 (UUID: ...)"). */
export function parseNvidiaSmiList(text: string): number[] {
  return [...text.matchAll(/^GPU (\d+):/gm)].map((m) => Number(m[1]));
}

export async function localDevices(backend: string): Promise<LocalDevices> {
  const cpuWorkers = availableParallelism();
  if (backend === 'onnx' || backend === 'tfjs-wasm')
    return { gpus: [], cpuWorkers, note: `--backend ${backend}: CPU workers` };
  const { detectExecutors } = await import('../worker/extractor/feature-extractor.js');
  const gpuExecutors = (await detectExecutors()).filter(
    (e) => (e.executor === 'onnx-cuda' || e.executor === 'tfjs-gpu') && e.available,
  );
  if (gpuExecutors.length === 0)
    return { gpus: [], cpuWorkers, note: 'no GPU executor installed: one worker per core' };
  let gpus: number[];
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['-L'], { timeout: 10_000 });
    gpus = parseNvidiaSmiList(stdout);
  } catch {
    gpus = [];
  }
  return gpus.length
    ? {
        gpus,
        cpuWorkers,
        note: `${gpus.length} GPUs with ${gpuExecutors.map((e) => e.executor).join(', ')}: one worker per GPU`,
      }
    : { gpus: [], cpuWorkers, note: 'a GPU executor is installed but nvidia-smi lists no GPU: one worker per core' };
}
