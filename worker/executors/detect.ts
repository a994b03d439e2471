/** Which executors can run here, and how `--backend auto` chooses among them. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { tfjsNodeAvailable } from './tfjs/tfjs-load.js';
import type { ExecutorName } from './types.js';

export type BackendChoice = 'auto' | 'onnx' | 'onnx-cuda' | 'tfjs-gpu' | 'tfjs-wasm';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'onnx', 'onnx-cuda', 'tfjs-gpu', 'tfjs-wasm'];

export function isBackendChoice(x: string): x is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(x);
}

/** The onnxruntime CUDA execution provider library, present only after the CUDA install step. */
export function onnxCudaProviderPath(): string {
  const req = createRequire(import.meta.url);
  const pkgDir = dirname(req.resolve('onnxruntime-node/package.json'));
  return join(pkgDir, 'bin', 'napi-v6', platform(), arch(), 'libonnxruntime_providers_cuda.so');
}

export interface ExecutorAvailability {
  executor: ExecutorName;
  available: boolean;
  note: string;
}

export async function detectExecutors(): Promise<ExecutorAvailability[]> {
  const cudaLib = onnxCudaProviderPath();
  const gpu = await tfjsNodeAvailable('tfjs-gpu');
  const node = gpu ? false : await tfjsNodeAvailable('tfjs-node');
  return [
    { executor: 'onnx', available: true, note: 'onnxruntime-node CPU (bundled)' },
    {
      executor: 'onnx-cuda',
      available: existsSync(cudaLib),
      note: existsSync(cudaLib)
        ? cudaLib
        : 'CUDA EP not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install)',
    },
    {
      executor: 'tfjs-gpu',
      available: gpu,
      note: gpu
        ? '@tensorflow/tfjs-node-gpu'
        : 'npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 (CUDA 11.2 + cuDNN 8.1)',
    },
    {
      executor: 'tfjs-node',
      available: node,
      note: node
        ? '@tensorflow/tfjs-node'
        : gpu
          ? 'shadowed by tfjs-node-gpu'
          : 'npm install --no-save @tensorflow/tfjs-node@4.22.0',
    },
    { executor: 'tfjs-wasm', available: true, note: '@tensorflow/tfjs-backend-wasm, one instance per worker thread' },
  ];
}

/**
 * Resolve a backend choice to a concrete executor. `auto`: onnx-cuda when a GPU is requested and the CUDA EP is
 * installed, else tfjs-gpu when a GPU is requested and tfjs-node-gpu is installed, else onnx on CPU.
 * `tfjs-gpu` uses tfjs-node-gpu where installed, else tfjs-node (libtensorflow on CPU), else tfjs-wasm, with a
 * warning; the executor actually used is what FeatureExtractor.info reports.
 */
export async function resolveBackend(choice: BackendChoice, gpu: number | null | undefined): Promise<ExecutorName> {
  const wantGpu = gpu !== null && gpu !== undefined;
  if (choice === 'onnx' || choice === 'tfjs-wasm') return choice;
  if (choice === 'onnx-cuda') {
    if (!existsSync(onnxCudaProviderPath()))
      throw new UserError(
        '--backend onnx-cuda: the onnxruntime CUDA execution provider is not installed; see docs/backbones-and-weights.md (GPU section)',
      );
    return 'onnx-cuda';
  }
  if (choice === 'tfjs-gpu') {
    if (await tfjsNodeAvailable('tfjs-gpu')) return 'tfjs-gpu';
    const fallback = (await tfjsNodeAvailable('tfjs-node')) ? 'tfjs-node' : 'tfjs-wasm';
    log.warn(
      `--backend tfjs-gpu: @tensorflow/tfjs-node-gpu@4.22.0 is not installed; running on ${fallback} (CPU) instead. See docs/backbones-and-weights.md (GPU section)`,
    );
    return fallback;
  }
  if (wantGpu && existsSync(onnxCudaProviderPath())) return 'onnx-cuda';
  if (wantGpu && (await tfjsNodeAvailable('tfjs-gpu'))) return 'tfjs-gpu';
  return 'onnx';
}
