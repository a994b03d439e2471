/**
 * What `wepadim run` uses from the server and data modules, as typed ports (the modules are
 * written in parallel; the specifiers are held in variables so a missing one fails at run time, naming it).
 */

export interface SyntheticSpec {
  classes: string[];
  train: number;
  test: number;
  size: number;
  seed: number;
}

export interface SweepDataset {
  kind: string;
  root: string;
  synthetic: SyntheticSpec | null;
}

export interface RunningCoordinator {
  address: string;
  stop(graceMs?: number): Promise<void>;
}

export interface CoordinatorStartOptions {
  dbPath: string;
  listen: string;
  auth: { token: string | null; tls: null; insecure: true };
  leaseTtlMs?: number;
}

export interface ServerPort {
  startCoordinator(o: CoordinatorStartOptions): Promise<RunningCoordinator>;
}

export interface SynthPort {
  generateSyntheticDataset(out: string, spec: SyntheticSpec): unknown;
}

async function load<T>(rel: string): Promise<T> {
  return (await import(new URL(rel, import.meta.url).href)) as T;
}

export const loadServer = (): Promise<ServerPort> => load<ServerPort>('../../../coordinator/server/index.js');
export const loadSynth = (): Promise<SynthPort> => load<SynthPort>('../../data/index.js');
