/**
 * Load tfjs with a real backend. tfjs-node(-gpu) are optional, hand-installed packages: they are imported by a
 * module name held in a variable, so an offline `npm ci` and tsc never need them. They must be 4.22.0, the
 * version of @tensorflow/tfjs-core here, so both share one tfjs-core engine. The tfjs `cpu` backend is never used.
 */
import type * as tfc from '@tensorflow/tfjs-core';

export type TfjsFlavour = 'tfjs-gpu' | 'tfjs-node' | 'tfjs-wasm';
export const TFJS_NODE_PACKAGES: Record<'tfjs-gpu' | 'tfjs-node', string> = {
  'tfjs-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

export interface LoadedTf {
  tf: typeof tfc;
  flavour: TfjsFlavour;
  version: string;
  device: string;
}

async function importOptional(name: string): Promise<boolean> {
  try {
    const moduleName: string = name;
    await import(moduleName);
    return true;
  } catch {
    return false;
  }
}

/** Whether an optional tfjs-node package can be imported here. */
export async function tfjsNodeAvailable(flavour: 'tfjs-gpu' | 'tfjs-node'): Promise<boolean> {
  return importOptional(TFJS_NODE_PACKAGES[flavour]);
}

/** Load tfjs-core with the requested backend (`tensorflow` for the node packages, `wasm` with 1 thread). */
export async function loadTf(flavour: TfjsFlavour): Promise<LoadedTf> {
  const tf = await import('@tensorflow/tfjs-core');
  if (flavour === 'tfjs-wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return { tf, flavour, version: tf.version_core, device: 'cpu (wasm simd, 1 thread per worker)' };
  }
  const pkg = TFJS_NODE_PACKAGES[flavour];
  if (!(await importOptional(pkg))) {
    throw new Error(
      `${pkg} is not installed (install it by hand: npm install --no-save ${pkg}@4.22.0; see docs/backbones-and-weights.md)`,
    );
  }
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(
      `${pkg} did not register the tensorflow backend with this tfjs-core (versions must both be 4.22.0)`,
    );
  await tf.ready();
  return {
    tf,
    flavour,
    version: tf.version_core,
    device: flavour === 'tfjs-gpu' ? 'cuda (libtensorflow)' : 'cpu (libtensorflow)',
  };
}
