/**
 * The real implementations of the runner's ports (ports.ts), loaded lazily: they pull in sharp,
 * onnxruntime and the engine. Kept apart from ports.ts so the port types import nothing that implements them.
 */
import { ThreadedEngine } from './engine-thread.js';
import type { DataPort, EnginePort, ModelsPort, RunnerPorts } from './ports.js';

/**
 * Load the real modules (lazily: they pull in sharp, onnxruntime and the engine). With `engineThread`
 * the engine runs in a worker thread (the default for workers: heartbeats keep flowing); otherwise it
 * is called directly on this thread.
 */
export async function loadDefaultPorts(
  opts: { engineThread?: boolean } = {},
): Promise<RunnerPorts & { dispose: () => void }> {
  const [data, models] = await Promise.all([import('../data/index.js'), import('../extractor/feature-extractor.js')]);
  const dataPort: DataPort = data;
  const modelsPort: ModelsPort = models;
  if (opts.engineThread ?? true) {
    const engine = new ThreadedEngine();
    return { data: dataPort, models: modelsPort, engine, dispose: () => engine.dispose() };
  }
  const enginePort: EnginePort = await import('../engine/index.js');
  return { data: dataPort, models: modelsPort, engine: enginePort, dispose: () => undefined };
}
