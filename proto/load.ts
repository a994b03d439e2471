/**
 * Loads the wepadim.v1 wire protocol with @grpc/proto-loader, with the same options the checked-in
 * types in proto/gen were generated with (see proto/generate.ts): keepCase, longs as Number (every
 * 64-bit value here is a ms timestamp, an id or a counter, all far below 2^53), enums as String,
 * defaults and oneofs.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from './gen/wepadim.js';
import type { CoordinatorClient, CoordinatorDefinition, CoordinatorHandlers } from './gen/wepadim/v1/Coordinator.js';

export type { CoordinatorClient, CoordinatorDefinition, CoordinatorHandlers };

export const PROTO_FILE = join(dirname(fileURLToPath(import.meta.url)), 'wepadim', 'v1', 'wepadim.proto');

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export const SERVICE_NAME = 'wepadim.v1.Coordinator';

let cached: { packageDefinition: protoLoader.PackageDefinition; proto: ProtoGrpcType } | null = null;

/** The loaded package definition and the typed gRPC object (cached; loading parses the .proto once). */
export function loadWire(): { packageDefinition: protoLoader.PackageDefinition; proto: ProtoGrpcType } {
  if (!cached) {
    const packageDefinition = protoLoader.loadSync(PROTO_FILE, LOADER_OPTIONS);
    const proto = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
    cached = { packageDefinition, proto };
  }
  return cached;
}

/** The service definition (method paths, serializers) for `server.addService`. */
export function coordinatorService(): CoordinatorDefinition {
  return loadWire().proto.wepadim.v1.Coordinator.service;
}

export type CoordinatorClientCtor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
) => CoordinatorClient;

/** The typed client constructor: `new (coordinatorClientCtor())(address, credentials, options)`. */
export function coordinatorClientCtor(): CoordinatorClientCtor {
  return loadWire().proto.wepadim.v1.Coordinator;
}

/** Keepalive settings used by both sides (the server permits pings at this rate). */
export const KEEPALIVE_OPTIONS = {
  'grpc.keepalive_time_ms': 20_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
} as const;
