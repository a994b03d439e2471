/**
 * The standard gRPC health protocol (proto/grpc/health/v1/health.proto), loaded with the same options
 * as wepadim.v1 (enums as strings). Its two messages are small enough to type by hand here.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOADER_OPTIONS } from './load.js';

export const HEALTH_PROTO_FILE = join(dirname(fileURLToPath(import.meta.url)), 'grpc', 'health', 'v1', 'health.proto');
export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
export interface HealthCheckRequest {
  service: string;
}
export interface HealthCheckResponse {
  status: ServingStatus;
}

export interface HealthHandlers extends grpc.UntypedServiceImplementation {
  Check: grpc.handleUnaryCall<HealthCheckRequest, HealthCheckResponse>;
  Watch: grpc.handleServerStreamingCall<HealthCheckRequest, HealthCheckResponse>;
}

export interface HealthClient extends grpc.Client {
  Check(
    req: HealthCheckRequest,
    cb: (err: grpc.ServiceError | null, res?: HealthCheckResponse) => void,
  ): grpc.ClientUnaryCall;
  Watch(req: HealthCheckRequest): grpc.ClientReadableStream<HealthCheckResponse>;
}

interface HealthPackage {
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
}

let cached: grpc.ServiceClientConstructor | null = null;

function healthCtor(): grpc.ServiceClientConstructor {
  cached ??= (
    grpc.loadPackageDefinition(protoLoader.loadSync(HEALTH_PROTO_FILE, LOADER_OPTIONS)) as unknown as HealthPackage
  ).grpc.health.v1.Health;
  return cached;
}

/** The service definition for `server.addService`. */
export function healthService(): grpc.ServiceDefinition {
  return healthCtor().service;
}

/** A health client (tests, `wepadim doctor`-style checks). */
export function healthClient(address: string, credentials: grpc.ChannelCredentials): HealthClient {
  return new (healthCtor())(address, credentials) as unknown as HealthClient;
}
