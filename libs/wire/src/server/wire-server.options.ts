import { BrokerApi } from '@peak/protocol';

export const DEFAULT_WIRE_HOST = '127.0.0.1';
export const DEFAULT_WIRE_PORT = 9092;
/** Like Kafka's socket.request.max.bytes. */
export const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
/** Requests a connection may have outstanding before the server stops reading from it. */
export const DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 128;

/** Where diagnostics go; the server never throws them at the caller. */
export interface WireServerLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface KafkaWireServerOptions {
  /** The broker whose API is served. */
  broker: BrokerApi;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; default 9092, 0 = an ephemeral port. */
  port?: number;
  /** Host written into Metadata and FindCoordinator; default the bound host (127.0.0.1 for a wildcard bind). */
  advertisedHost?: string;
  /** Port written into Metadata and FindCoordinator; default the bound port. */
  advertisedPort?: number;
  /** Largest request frame accepted; larger ones close the connection. Default 100 MiB. */
  maxRequestBytes?: number;
  /** Outstanding requests per connection before reading pauses. Default 128. */
  maxInFlightPerConnection?: number;
  logger?: WireServerLogger;
}
