/** Artifact files stored at the coordinator: content-addressed blobs and their rows in `artifacts`. */
export {
  ArtifactRefused,
  ArtifactStore,
  DEFAULT_ARTIFACT_LIMITS,
  type ArtifactLimits,
  type StoredArtifactRow,
  type UploadHeader,
  type UploadTarget,
} from './artifact-store.js';
export { artifactsRootOf, BlobDir, BlobMismatch, extensionOf, type BlobReceiver } from './blobs.js';
export { openLocalArtifacts, type LocalArtifacts } from './local-artifacts.js';
