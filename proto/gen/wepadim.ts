import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AcquireRequest as _wepadim_v1_AcquireRequest, AcquireRequest__Output as _wepadim_v1_AcquireRequest__Output } from './wepadim/v1/AcquireRequest.js';
import type { AcquireResponse as _wepadim_v1_AcquireResponse, AcquireResponse__Output as _wepadim_v1_AcquireResponse__Output } from './wepadim/v1/AcquireResponse.js';
import type { Artifact as _wepadim_v1_Artifact, Artifact__Output as _wepadim_v1_Artifact__Output } from './wepadim/v1/Artifact.js';
import type { ArtifactChunk as _wepadim_v1_ArtifactChunk, ArtifactChunk__Output as _wepadim_v1_ArtifactChunk__Output } from './wepadim/v1/ArtifactChunk.js';
import type { ArtifactData as _wepadim_v1_ArtifactData, ArtifactData__Output as _wepadim_v1_ArtifactData__Output } from './wepadim/v1/ArtifactData.js';
import type { ArtifactHeader as _wepadim_v1_ArtifactHeader, ArtifactHeader__Output as _wepadim_v1_ArtifactHeader__Output } from './wepadim/v1/ArtifactHeader.js';
import type { CancelRequest as _wepadim_v1_CancelRequest, CancelRequest__Output as _wepadim_v1_CancelRequest__Output } from './wepadim/v1/CancelRequest.js';
import type { CancelResponse as _wepadim_v1_CancelResponse, CancelResponse__Output as _wepadim_v1_CancelResponse__Output } from './wepadim/v1/CancelResponse.js';
import type { CancelTrials as _wepadim_v1_CancelTrials, CancelTrials__Output as _wepadim_v1_CancelTrials__Output } from './wepadim/v1/CancelTrials.js';
import type { CompleteRequest as _wepadim_v1_CompleteRequest, CompleteRequest__Output as _wepadim_v1_CompleteRequest__Output } from './wepadim/v1/CompleteRequest.js';
import type { ControlMessage as _wepadim_v1_ControlMessage, ControlMessage__Output as _wepadim_v1_ControlMessage__Output } from './wepadim/v1/ControlMessage.js';
import type { ControlRequest as _wepadim_v1_ControlRequest, ControlRequest__Output as _wepadim_v1_ControlRequest__Output } from './wepadim/v1/ControlRequest.js';
import type { CoordinatorClient as _wepadim_v1_CoordinatorClient, CoordinatorDefinition as _wepadim_v1_CoordinatorDefinition } from './wepadim/v1/Coordinator.js';
import type { DownloadArtifactRequest as _wepadim_v1_DownloadArtifactRequest, DownloadArtifactRequest__Output as _wepadim_v1_DownloadArtifactRequest__Output } from './wepadim/v1/DownloadArtifactRequest.js';
import type { DrainOrder as _wepadim_v1_DrainOrder, DrainOrder__Output as _wepadim_v1_DrainOrder__Output } from './wepadim/v1/DrainOrder.js';
import type { DrainRequest as _wepadim_v1_DrainRequest, DrainRequest__Output as _wepadim_v1_DrainRequest__Output } from './wepadim/v1/DrainRequest.js';
import type { DrainResponse as _wepadim_v1_DrainResponse, DrainResponse__Output as _wepadim_v1_DrainResponse__Output } from './wepadim/v1/DrainResponse.js';
import type { FailRequest as _wepadim_v1_FailRequest, FailRequest__Output as _wepadim_v1_FailRequest__Output } from './wepadim/v1/FailRequest.js';
import type { FinishOutcome as _wepadim_v1_FinishOutcome, FinishOutcome__Output as _wepadim_v1_FinishOutcome__Output } from './wepadim/v1/FinishOutcome.js';
import type { FinishResponse as _wepadim_v1_FinishResponse, FinishResponse__Output as _wepadim_v1_FinishResponse__Output } from './wepadim/v1/FinishResponse.js';
import type { HeartbeatRequest as _wepadim_v1_HeartbeatRequest, HeartbeatRequest__Output as _wepadim_v1_HeartbeatRequest__Output } from './wepadim/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _wepadim_v1_HeartbeatResponse, HeartbeatResponse__Output as _wepadim_v1_HeartbeatResponse__Output } from './wepadim/v1/HeartbeatResponse.js';
import type { LeaseRef as _wepadim_v1_LeaseRef, LeaseRef__Output as _wepadim_v1_LeaseRef__Output } from './wepadim/v1/LeaseRef.js';
import type { LeaseState as _wepadim_v1_LeaseState, LeaseState__Output as _wepadim_v1_LeaseState__Output } from './wepadim/v1/LeaseState.js';
import type { LeasedTrial as _wepadim_v1_LeasedTrial, LeasedTrial__Output as _wepadim_v1_LeasedTrial__Output } from './wepadim/v1/LeasedTrial.js';
import type { ListArtifactsRequest as _wepadim_v1_ListArtifactsRequest, ListArtifactsRequest__Output as _wepadim_v1_ListArtifactsRequest__Output } from './wepadim/v1/ListArtifactsRequest.js';
import type { ListArtifactsResponse as _wepadim_v1_ListArtifactsResponse, ListArtifactsResponse__Output as _wepadim_v1_ListArtifactsResponse__Output } from './wepadim/v1/ListArtifactsResponse.js';
import type { MapJobState as _wepadim_v1_MapJobState, MapJobState__Output as _wepadim_v1_MapJobState__Output } from './wepadim/v1/MapJobState.js';
import type { ProgressAck as _wepadim_v1_ProgressAck, ProgressAck__Output as _wepadim_v1_ProgressAck__Output } from './wepadim/v1/ProgressAck.js';
import type { ProgressBatch as _wepadim_v1_ProgressBatch, ProgressBatch__Output as _wepadim_v1_ProgressBatch__Output } from './wepadim/v1/ProgressBatch.js';
import type { ProgressUpdate as _wepadim_v1_ProgressUpdate, ProgressUpdate__Output as _wepadim_v1_ProgressUpdate__Output } from './wepadim/v1/ProgressUpdate.js';
import type { Provenance as _wepadim_v1_Provenance, Provenance__Output as _wepadim_v1_Provenance__Output } from './wepadim/v1/Provenance.js';
import type { RegisterRequest as _wepadim_v1_RegisterRequest, RegisterRequest__Output as _wepadim_v1_RegisterRequest__Output } from './wepadim/v1/RegisterRequest.js';
import type { RegisterResponse as _wepadim_v1_RegisterResponse, RegisterResponse__Output as _wepadim_v1_RegisterResponse__Output } from './wepadim/v1/RegisterResponse.js';
import type { RequestMapsRequest as _wepadim_v1_RequestMapsRequest, RequestMapsRequest__Output as _wepadim_v1_RequestMapsRequest__Output } from './wepadim/v1/RequestMapsRequest.js';
import type { RequestMapsResponse as _wepadim_v1_RequestMapsResponse, RequestMapsResponse__Output as _wepadim_v1_RequestMapsResponse__Output } from './wepadim/v1/RequestMapsResponse.js';
import type { StatusRequest as _wepadim_v1_StatusRequest, StatusRequest__Output as _wepadim_v1_StatusRequest__Output } from './wepadim/v1/StatusRequest.js';
import type { StatusResponse as _wepadim_v1_StatusResponse, StatusResponse__Output as _wepadim_v1_StatusResponse__Output } from './wepadim/v1/StatusResponse.js';
import type { StoredArtifact as _wepadim_v1_StoredArtifact, StoredArtifact__Output as _wepadim_v1_StoredArtifact__Output } from './wepadim/v1/StoredArtifact.js';
import type { TrialFailure as _wepadim_v1_TrialFailure, TrialFailure__Output as _wepadim_v1_TrialFailure__Output } from './wepadim/v1/TrialFailure.js';
import type { TrialSuccess as _wepadim_v1_TrialSuccess, TrialSuccess__Output as _wepadim_v1_TrialSuccess__Output } from './wepadim/v1/TrialSuccess.js';
import type { UploadArtifactResponse as _wepadim_v1_UploadArtifactResponse, UploadArtifactResponse__Output as _wepadim_v1_UploadArtifactResponse__Output } from './wepadim/v1/UploadArtifactResponse.js';
import type { Welcome as _wepadim_v1_Welcome, Welcome__Output as _wepadim_v1_Welcome__Output } from './wepadim/v1/Welcome.js';
import type { WorkerInfo as _wepadim_v1_WorkerInfo, WorkerInfo__Output as _wepadim_v1_WorkerInfo__Output } from './wepadim/v1/WorkerInfo.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  wepadim: {
    v1: {
      AcquireRequest: MessageTypeDefinition<_wepadim_v1_AcquireRequest, _wepadim_v1_AcquireRequest__Output>
      AcquireResponse: MessageTypeDefinition<_wepadim_v1_AcquireResponse, _wepadim_v1_AcquireResponse__Output>
      Artifact: MessageTypeDefinition<_wepadim_v1_Artifact, _wepadim_v1_Artifact__Output>
      ArtifactChunk: MessageTypeDefinition<_wepadim_v1_ArtifactChunk, _wepadim_v1_ArtifactChunk__Output>
      ArtifactData: MessageTypeDefinition<_wepadim_v1_ArtifactData, _wepadim_v1_ArtifactData__Output>
      ArtifactHeader: MessageTypeDefinition<_wepadim_v1_ArtifactHeader, _wepadim_v1_ArtifactHeader__Output>
      CancelRequest: MessageTypeDefinition<_wepadim_v1_CancelRequest, _wepadim_v1_CancelRequest__Output>
      CancelResponse: MessageTypeDefinition<_wepadim_v1_CancelResponse, _wepadim_v1_CancelResponse__Output>
      CancelTrials: MessageTypeDefinition<_wepadim_v1_CancelTrials, _wepadim_v1_CancelTrials__Output>
      CompleteRequest: MessageTypeDefinition<_wepadim_v1_CompleteRequest, _wepadim_v1_CompleteRequest__Output>
      ControlMessage: MessageTypeDefinition<_wepadim_v1_ControlMessage, _wepadim_v1_ControlMessage__Output>
      ControlRequest: MessageTypeDefinition<_wepadim_v1_ControlRequest, _wepadim_v1_ControlRequest__Output>
      Coordinator: SubtypeConstructor<typeof grpc.Client, _wepadim_v1_CoordinatorClient> & { service: _wepadim_v1_CoordinatorDefinition }
      DownloadArtifactRequest: MessageTypeDefinition<_wepadim_v1_DownloadArtifactRequest, _wepadim_v1_DownloadArtifactRequest__Output>
      DrainOrder: MessageTypeDefinition<_wepadim_v1_DrainOrder, _wepadim_v1_DrainOrder__Output>
      DrainRequest: MessageTypeDefinition<_wepadim_v1_DrainRequest, _wepadim_v1_DrainRequest__Output>
      DrainResponse: MessageTypeDefinition<_wepadim_v1_DrainResponse, _wepadim_v1_DrainResponse__Output>
      FailRequest: MessageTypeDefinition<_wepadim_v1_FailRequest, _wepadim_v1_FailRequest__Output>
      FinishOutcome: MessageTypeDefinition<_wepadim_v1_FinishOutcome, _wepadim_v1_FinishOutcome__Output>
      FinishResponse: MessageTypeDefinition<_wepadim_v1_FinishResponse, _wepadim_v1_FinishResponse__Output>
      HeartbeatRequest: MessageTypeDefinition<_wepadim_v1_HeartbeatRequest, _wepadim_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_wepadim_v1_HeartbeatResponse, _wepadim_v1_HeartbeatResponse__Output>
      LeaseRef: MessageTypeDefinition<_wepadim_v1_LeaseRef, _wepadim_v1_LeaseRef__Output>
      LeaseState: MessageTypeDefinition<_wepadim_v1_LeaseState, _wepadim_v1_LeaseState__Output>
      LeasedTrial: MessageTypeDefinition<_wepadim_v1_LeasedTrial, _wepadim_v1_LeasedTrial__Output>
      ListArtifactsRequest: MessageTypeDefinition<_wepadim_v1_ListArtifactsRequest, _wepadim_v1_ListArtifactsRequest__Output>
      ListArtifactsResponse: MessageTypeDefinition<_wepadim_v1_ListArtifactsResponse, _wepadim_v1_ListArtifactsResponse__Output>
      MapJobState: MessageTypeDefinition<_wepadim_v1_MapJobState, _wepadim_v1_MapJobState__Output>
      ProgressAck: MessageTypeDefinition<_wepadim_v1_ProgressAck, _wepadim_v1_ProgressAck__Output>
      ProgressBatch: MessageTypeDefinition<_wepadim_v1_ProgressBatch, _wepadim_v1_ProgressBatch__Output>
      ProgressUpdate: MessageTypeDefinition<_wepadim_v1_ProgressUpdate, _wepadim_v1_ProgressUpdate__Output>
      Provenance: MessageTypeDefinition<_wepadim_v1_Provenance, _wepadim_v1_Provenance__Output>
      RegisterRequest: MessageTypeDefinition<_wepadim_v1_RegisterRequest, _wepadim_v1_RegisterRequest__Output>
      RegisterResponse: MessageTypeDefinition<_wepadim_v1_RegisterResponse, _wepadim_v1_RegisterResponse__Output>
      RequestMapsRequest: MessageTypeDefinition<_wepadim_v1_RequestMapsRequest, _wepadim_v1_RequestMapsRequest__Output>
      RequestMapsResponse: MessageTypeDefinition<_wepadim_v1_RequestMapsResponse, _wepadim_v1_RequestMapsResponse__Output>
      StatusRequest: MessageTypeDefinition<_wepadim_v1_StatusRequest, _wepadim_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_wepadim_v1_StatusResponse, _wepadim_v1_StatusResponse__Output>
      StoredArtifact: MessageTypeDefinition<_wepadim_v1_StoredArtifact, _wepadim_v1_StoredArtifact__Output>
      TrialFailure: MessageTypeDefinition<_wepadim_v1_TrialFailure, _wepadim_v1_TrialFailure__Output>
      TrialSuccess: MessageTypeDefinition<_wepadim_v1_TrialSuccess, _wepadim_v1_TrialSuccess__Output>
      UploadArtifactResponse: MessageTypeDefinition<_wepadim_v1_UploadArtifactResponse, _wepadim_v1_UploadArtifactResponse__Output>
      Welcome: MessageTypeDefinition<_wepadim_v1_Welcome, _wepadim_v1_Welcome__Output>
      WorkerInfo: MessageTypeDefinition<_wepadim_v1_WorkerInfo, _wepadim_v1_WorkerInfo__Output>
    }
  }
}

