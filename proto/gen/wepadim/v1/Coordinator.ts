// Original file: proto/wepadim/v1/wepadim.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AcquireRequest as _wepadim_v1_AcquireRequest, AcquireRequest__Output as _wepadim_v1_AcquireRequest__Output } from '../../wepadim/v1/AcquireRequest.js';
import type { AcquireResponse as _wepadim_v1_AcquireResponse, AcquireResponse__Output as _wepadim_v1_AcquireResponse__Output } from '../../wepadim/v1/AcquireResponse.js';
import type { ArtifactChunk as _wepadim_v1_ArtifactChunk, ArtifactChunk__Output as _wepadim_v1_ArtifactChunk__Output } from '../../wepadim/v1/ArtifactChunk.js';
import type { ArtifactData as _wepadim_v1_ArtifactData, ArtifactData__Output as _wepadim_v1_ArtifactData__Output } from '../../wepadim/v1/ArtifactData.js';
import type { CancelRequest as _wepadim_v1_CancelRequest, CancelRequest__Output as _wepadim_v1_CancelRequest__Output } from '../../wepadim/v1/CancelRequest.js';
import type { CancelResponse as _wepadim_v1_CancelResponse, CancelResponse__Output as _wepadim_v1_CancelResponse__Output } from '../../wepadim/v1/CancelResponse.js';
import type { CompleteRequest as _wepadim_v1_CompleteRequest, CompleteRequest__Output as _wepadim_v1_CompleteRequest__Output } from '../../wepadim/v1/CompleteRequest.js';
import type { ControlMessage as _wepadim_v1_ControlMessage, ControlMessage__Output as _wepadim_v1_ControlMessage__Output } from '../../wepadim/v1/ControlMessage.js';
import type { ControlRequest as _wepadim_v1_ControlRequest, ControlRequest__Output as _wepadim_v1_ControlRequest__Output } from '../../wepadim/v1/ControlRequest.js';
import type { DownloadArtifactRequest as _wepadim_v1_DownloadArtifactRequest, DownloadArtifactRequest__Output as _wepadim_v1_DownloadArtifactRequest__Output } from '../../wepadim/v1/DownloadArtifactRequest.js';
import type { DrainRequest as _wepadim_v1_DrainRequest, DrainRequest__Output as _wepadim_v1_DrainRequest__Output } from '../../wepadim/v1/DrainRequest.js';
import type { DrainResponse as _wepadim_v1_DrainResponse, DrainResponse__Output as _wepadim_v1_DrainResponse__Output } from '../../wepadim/v1/DrainResponse.js';
import type { FailRequest as _wepadim_v1_FailRequest, FailRequest__Output as _wepadim_v1_FailRequest__Output } from '../../wepadim/v1/FailRequest.js';
import type { FinishResponse as _wepadim_v1_FinishResponse, FinishResponse__Output as _wepadim_v1_FinishResponse__Output } from '../../wepadim/v1/FinishResponse.js';
import type { HeartbeatRequest as _wepadim_v1_HeartbeatRequest, HeartbeatRequest__Output as _wepadim_v1_HeartbeatRequest__Output } from '../../wepadim/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _wepadim_v1_HeartbeatResponse, HeartbeatResponse__Output as _wepadim_v1_HeartbeatResponse__Output } from '../../wepadim/v1/HeartbeatResponse.js';
import type { ListArtifactsRequest as _wepadim_v1_ListArtifactsRequest, ListArtifactsRequest__Output as _wepadim_v1_ListArtifactsRequest__Output } from '../../wepadim/v1/ListArtifactsRequest.js';
import type { ListArtifactsResponse as _wepadim_v1_ListArtifactsResponse, ListArtifactsResponse__Output as _wepadim_v1_ListArtifactsResponse__Output } from '../../wepadim/v1/ListArtifactsResponse.js';
import type { ProgressAck as _wepadim_v1_ProgressAck, ProgressAck__Output as _wepadim_v1_ProgressAck__Output } from '../../wepadim/v1/ProgressAck.js';
import type { ProgressBatch as _wepadim_v1_ProgressBatch, ProgressBatch__Output as _wepadim_v1_ProgressBatch__Output } from '../../wepadim/v1/ProgressBatch.js';
import type { RegisterRequest as _wepadim_v1_RegisterRequest, RegisterRequest__Output as _wepadim_v1_RegisterRequest__Output } from '../../wepadim/v1/RegisterRequest.js';
import type { RegisterResponse as _wepadim_v1_RegisterResponse, RegisterResponse__Output as _wepadim_v1_RegisterResponse__Output } from '../../wepadim/v1/RegisterResponse.js';
import type { RequestMapsRequest as _wepadim_v1_RequestMapsRequest, RequestMapsRequest__Output as _wepadim_v1_RequestMapsRequest__Output } from '../../wepadim/v1/RequestMapsRequest.js';
import type { RequestMapsResponse as _wepadim_v1_RequestMapsResponse, RequestMapsResponse__Output as _wepadim_v1_RequestMapsResponse__Output } from '../../wepadim/v1/RequestMapsResponse.js';
import type { StatusRequest as _wepadim_v1_StatusRequest, StatusRequest__Output as _wepadim_v1_StatusRequest__Output } from '../../wepadim/v1/StatusRequest.js';
import type { StatusResponse as _wepadim_v1_StatusResponse, StatusResponse__Output as _wepadim_v1_StatusResponse__Output } from '../../wepadim/v1/StatusResponse.js';
import type { UploadArtifactResponse as _wepadim_v1_UploadArtifactResponse, UploadArtifactResponse__Output as _wepadim_v1_UploadArtifactResponse__Output } from '../../wepadim/v1/UploadArtifactResponse.js';

export interface CoordinatorClient extends grpc.Client {
  Acquire(argument: _wepadim_v1_AcquireRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  Acquire(argument: _wepadim_v1_AcquireRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  Acquire(argument: _wepadim_v1_AcquireRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  Acquire(argument: _wepadim_v1_AcquireRequest, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _wepadim_v1_AcquireRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _wepadim_v1_AcquireRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _wepadim_v1_AcquireRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  acquire(argument: _wepadim_v1_AcquireRequest, callback: grpc.requestCallback<_wepadim_v1_AcquireResponse__Output>): grpc.ClientUnaryCall;
  
  Cancel(argument: _wepadim_v1_CancelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  Cancel(argument: _wepadim_v1_CancelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  Cancel(argument: _wepadim_v1_CancelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  Cancel(argument: _wepadim_v1_CancelRequest, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  cancel(argument: _wepadim_v1_CancelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  cancel(argument: _wepadim_v1_CancelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  cancel(argument: _wepadim_v1_CancelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  cancel(argument: _wepadim_v1_CancelRequest, callback: grpc.requestCallback<_wepadim_v1_CancelResponse__Output>): grpc.ClientUnaryCall;
  
  Complete(argument: _wepadim_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _wepadim_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _wepadim_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _wepadim_v1_CompleteRequest, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _wepadim_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _wepadim_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _wepadim_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _wepadim_v1_CompleteRequest, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  
  Control(argument: _wepadim_v1_ControlRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ControlMessage__Output>;
  Control(argument: _wepadim_v1_ControlRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ControlMessage__Output>;
  control(argument: _wepadim_v1_ControlRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ControlMessage__Output>;
  control(argument: _wepadim_v1_ControlRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ControlMessage__Output>;
  
  DownloadArtifact(argument: _wepadim_v1_DownloadArtifactRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ArtifactData__Output>;
  DownloadArtifact(argument: _wepadim_v1_DownloadArtifactRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ArtifactData__Output>;
  downloadArtifact(argument: _wepadim_v1_DownloadArtifactRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ArtifactData__Output>;
  downloadArtifact(argument: _wepadim_v1_DownloadArtifactRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wepadim_v1_ArtifactData__Output>;
  
  Drain(argument: _wepadim_v1_DrainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  Drain(argument: _wepadim_v1_DrainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  Drain(argument: _wepadim_v1_DrainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  Drain(argument: _wepadim_v1_DrainRequest, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  drain(argument: _wepadim_v1_DrainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  drain(argument: _wepadim_v1_DrainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  drain(argument: _wepadim_v1_DrainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  drain(argument: _wepadim_v1_DrainRequest, callback: grpc.requestCallback<_wepadim_v1_DrainResponse__Output>): grpc.ClientUnaryCall;
  
  Fail(argument: _wepadim_v1_FailRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  Fail(argument: _wepadim_v1_FailRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  Fail(argument: _wepadim_v1_FailRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  Fail(argument: _wepadim_v1_FailRequest, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _wepadim_v1_FailRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _wepadim_v1_FailRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _wepadim_v1_FailRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _wepadim_v1_FailRequest, callback: grpc.requestCallback<_wepadim_v1_FinishResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _wepadim_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _wepadim_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _wepadim_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _wepadim_v1_HeartbeatRequest, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wepadim_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wepadim_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wepadim_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wepadim_v1_HeartbeatRequest, callback: grpc.requestCallback<_wepadim_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  ListArtifacts(argument: _wepadim_v1_ListArtifactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  ListArtifacts(argument: _wepadim_v1_ListArtifactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  ListArtifacts(argument: _wepadim_v1_ListArtifactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  ListArtifacts(argument: _wepadim_v1_ListArtifactsRequest, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  listArtifacts(argument: _wepadim_v1_ListArtifactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  listArtifacts(argument: _wepadim_v1_ListArtifactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  listArtifacts(argument: _wepadim_v1_ListArtifactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  listArtifacts(argument: _wepadim_v1_ListArtifactsRequest, callback: grpc.requestCallback<_wepadim_v1_ListArtifactsResponse__Output>): grpc.ClientUnaryCall;
  
  Register(argument: _wepadim_v1_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  Register(argument: _wepadim_v1_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  Register(argument: _wepadim_v1_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  Register(argument: _wepadim_v1_RegisterRequest, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _wepadim_v1_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _wepadim_v1_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _wepadim_v1_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  register(argument: _wepadim_v1_RegisterRequest, callback: grpc.requestCallback<_wepadim_v1_RegisterResponse__Output>): grpc.ClientUnaryCall;
  
  RequestMaps(argument: _wepadim_v1_RequestMapsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  RequestMaps(argument: _wepadim_v1_RequestMapsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  RequestMaps(argument: _wepadim_v1_RequestMapsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  RequestMaps(argument: _wepadim_v1_RequestMapsRequest, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  requestMaps(argument: _wepadim_v1_RequestMapsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  requestMaps(argument: _wepadim_v1_RequestMapsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  requestMaps(argument: _wepadim_v1_RequestMapsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  requestMaps(argument: _wepadim_v1_RequestMapsRequest, callback: grpc.requestCallback<_wepadim_v1_RequestMapsResponse__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _wepadim_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _wepadim_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _wepadim_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _wepadim_v1_StatusRequest, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _wepadim_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _wepadim_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _wepadim_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _wepadim_v1_StatusRequest, callback: grpc.requestCallback<_wepadim_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
  StreamProgress(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  StreamProgress(metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  StreamProgress(options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  StreamProgress(callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  streamProgress(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  streamProgress(metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  streamProgress(options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  streamProgress(callback: grpc.requestCallback<_wepadim_v1_ProgressAck__Output>): grpc.ClientWritableStream<_wepadim_v1_ProgressBatch>;
  
  UploadArtifact(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  UploadArtifact(metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  UploadArtifact(options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  UploadArtifact(callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  uploadArtifact(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  uploadArtifact(metadata: grpc.Metadata, callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  uploadArtifact(options: grpc.CallOptions, callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  uploadArtifact(callback: grpc.requestCallback<_wepadim_v1_UploadArtifactResponse__Output>): grpc.ClientWritableStream<_wepadim_v1_ArtifactChunk>;
  
}

export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  Acquire: grpc.handleUnaryCall<_wepadim_v1_AcquireRequest__Output, _wepadim_v1_AcquireResponse>;
  
  Cancel: grpc.handleUnaryCall<_wepadim_v1_CancelRequest__Output, _wepadim_v1_CancelResponse>;
  
  Complete: grpc.handleUnaryCall<_wepadim_v1_CompleteRequest__Output, _wepadim_v1_FinishResponse>;
  
  Control: grpc.handleServerStreamingCall<_wepadim_v1_ControlRequest__Output, _wepadim_v1_ControlMessage>;
  
  DownloadArtifact: grpc.handleServerStreamingCall<_wepadim_v1_DownloadArtifactRequest__Output, _wepadim_v1_ArtifactData>;
  
  Drain: grpc.handleUnaryCall<_wepadim_v1_DrainRequest__Output, _wepadim_v1_DrainResponse>;
  
  Fail: grpc.handleUnaryCall<_wepadim_v1_FailRequest__Output, _wepadim_v1_FinishResponse>;
  
  Heartbeat: grpc.handleUnaryCall<_wepadim_v1_HeartbeatRequest__Output, _wepadim_v1_HeartbeatResponse>;
  
  ListArtifacts: grpc.handleUnaryCall<_wepadim_v1_ListArtifactsRequest__Output, _wepadim_v1_ListArtifactsResponse>;
  
  Register: grpc.handleUnaryCall<_wepadim_v1_RegisterRequest__Output, _wepadim_v1_RegisterResponse>;
  
  RequestMaps: grpc.handleUnaryCall<_wepadim_v1_RequestMapsRequest__Output, _wepadim_v1_RequestMapsResponse>;
  
  Status: grpc.handleUnaryCall<_wepadim_v1_StatusRequest__Output, _wepadim_v1_StatusResponse>;
  
  StreamProgress: grpc.handleClientStreamingCall<_wepadim_v1_ProgressBatch__Output, _wepadim_v1_ProgressAck>;
  
  UploadArtifact: grpc.handleClientStreamingCall<_wepadim_v1_ArtifactChunk__Output, _wepadim_v1_UploadArtifactResponse>;
  
}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  Acquire: MethodDefinition<_wepadim_v1_AcquireRequest, _wepadim_v1_AcquireResponse, _wepadim_v1_AcquireRequest__Output, _wepadim_v1_AcquireResponse__Output>
  Cancel: MethodDefinition<_wepadim_v1_CancelRequest, _wepadim_v1_CancelResponse, _wepadim_v1_CancelRequest__Output, _wepadim_v1_CancelResponse__Output>
  Complete: MethodDefinition<_wepadim_v1_CompleteRequest, _wepadim_v1_FinishResponse, _wepadim_v1_CompleteRequest__Output, _wepadim_v1_FinishResponse__Output>
  Control: MethodDefinition<_wepadim_v1_ControlRequest, _wepadim_v1_ControlMessage, _wepadim_v1_ControlRequest__Output, _wepadim_v1_ControlMessage__Output>
  DownloadArtifact: MethodDefinition<_wepadim_v1_DownloadArtifactRequest, _wepadim_v1_ArtifactData, _wepadim_v1_DownloadArtifactRequest__Output, _wepadim_v1_ArtifactData__Output>
  Drain: MethodDefinition<_wepadim_v1_DrainRequest, _wepadim_v1_DrainResponse, _wepadim_v1_DrainRequest__Output, _wepadim_v1_DrainResponse__Output>
  Fail: MethodDefinition<_wepadim_v1_FailRequest, _wepadim_v1_FinishResponse, _wepadim_v1_FailRequest__Output, _wepadim_v1_FinishResponse__Output>
  Heartbeat: MethodDefinition<_wepadim_v1_HeartbeatRequest, _wepadim_v1_HeartbeatResponse, _wepadim_v1_HeartbeatRequest__Output, _wepadim_v1_HeartbeatResponse__Output>
  ListArtifacts: MethodDefinition<_wepadim_v1_ListArtifactsRequest, _wepadim_v1_ListArtifactsResponse, _wepadim_v1_ListArtifactsRequest__Output, _wepadim_v1_ListArtifactsResponse__Output>
  Register: MethodDefinition<_wepadim_v1_RegisterRequest, _wepadim_v1_RegisterResponse, _wepadim_v1_RegisterRequest__Output, _wepadim_v1_RegisterResponse__Output>
  RequestMaps: MethodDefinition<_wepadim_v1_RequestMapsRequest, _wepadim_v1_RequestMapsResponse, _wepadim_v1_RequestMapsRequest__Output, _wepadim_v1_RequestMapsResponse__Output>
  Status: MethodDefinition<_wepadim_v1_StatusRequest, _wepadim_v1_StatusResponse, _wepadim_v1_StatusRequest__Output, _wepadim_v1_StatusResponse__Output>
  StreamProgress: MethodDefinition<_wepadim_v1_ProgressBatch, _wepadim_v1_ProgressAck, _wepadim_v1_ProgressBatch__Output, _wepadim_v1_ProgressAck__Output>
  UploadArtifact: MethodDefinition<_wepadim_v1_ArtifactChunk, _wepadim_v1_UploadArtifactResponse, _wepadim_v1_ArtifactChunk__Output, _wepadim_v1_UploadArtifactResponse__Output>
}
