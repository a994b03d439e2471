/**
 * The artifacts a database holds, read on the machine that has it (`wepadim artifacts TRIAL --db FILE`): the same
 * listing and content-addressed files the coordinator serves over gRPC, through a read-only connection, so the maps
 * of a finished `wepadim run` can be fetched by name without starting a coordinator.
 */
import { dirname, resolve } from 'node:path';
import { openReadDb } from '../reads/open.js';
import { ArtifactStore, type StoredArtifactRow } from './artifact-store.js';
import { artifactsRootOf, BlobDir } from './blobs.js';

export interface LocalArtifacts {
  /** trial ids matching a key (every sweep) or an id given as digits */
  trials(trial: string): number[];
  list(trialIds: readonly number[]): StoredArtifactRow[];
  /** the stored file of an artifact, or null when its blob is missing */
  fileOf(sha256: string): string | null;
  close(): void;
}

export function openLocalArtifacts(dbPath: string): LocalArtifacts {
  const db = openReadDb(dbPath);
  const store = new ArtifactStore(db, new BlobDir(artifactsRootOf(dbPath), dirname(resolve(dbPath))));
  return {
    trials: (trial) => store.trials(trial),
    list: (ids) => store.list(ids),
    fileOf: (sha) => store.fileOf(sha),
    close: () => db.close(),
  };
}
