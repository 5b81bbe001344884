import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { TopicIdLookup } from '../apis/api-definition.types';
import { ApiRegistry, createDefaultApiRegistry } from '../apis/api-registry';
import { topicIdLookupFor } from './topic-id-lookup';
import { WireConnection, WireServerStats } from './wire-connection';
import {
  DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_WIRE_HOST,
  DEFAULT_WIRE_PORT,
  KafkaWireServerOptions,
  WireServerLogger,
} from './wire-server.options';

const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);
const SILENT_LOGGER: WireServerLogger = { warn: () => undefined };

export interface WireAddress {
  host: string;
  port: number;
}

/**
 * Serves the Kafka wire protocol over TCP on top of a BrokerApi.
 *
 * Every connection is independent: a bad frame closes only its own connection. Responses
 * on a connection go out in request order. Metadata and FindCoordinator answers carry the
 * advertised address, so clients connect back to this server whatever the broker thinks.
 */
export class KafkaWireServer {
  private readonly server: Server;
  private readonly registry: ApiRegistry;
  private readonly connections = new Set<WireConnection>();
  private readonly logger: WireServerLogger;
  private readonly topicIds: TopicIdLookup;
  private bound: WireAddress | null = null;
  private readonly counters: WireServerStats = { framesReceived: 0, requestsHandled: 0, connectionsRejected: 0 };

  constructor(private readonly options: KafkaWireServerOptions) {
    this.registry = createDefaultApiRegistry();
    this.logger = options.logger ?? SILENT_LOGGER;
    this.topicIds = topicIdLookupFor(options.broker);
    this.server = createServer((socket) => this.accept(socket));
  }

  /** The underlying net.Server (for events such as 'connection'). */
  get netServer(): Server {
    return this.server;
  }

  /** The bound address; throws before start(). */
  get address(): WireAddress {
    if (this.bound === null) throw new Error('KafkaWireServer is not started');
    return this.bound;
  }

  /** The address written into Metadata and FindCoordinator; throws before start(). */
  get advertisedAddress(): WireAddress {
    const bound = this.address;
    const host = this.options.advertisedHost ?? (WILDCARD_HOSTS.has(bound.host) ? DEFAULT_WIRE_HOST : bound.host);
    return { host, port: this.options.advertisedPort ?? bound.port };
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** A snapshot of the traffic counters. */
  get stats(): WireServerStats {
    return { ...this.counters };
  }

  /** Every API key with the version range ApiVersions advertises. */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return this.registry.ranges();
  }

  /** Starts listening; resolves with the bound address once connections are accepted. */
  start(): Promise<WireAddress> {
    const host = this.options.host ?? DEFAULT_WIRE_HOST;
    const port = this.options.port ?? DEFAULT_WIRE_PORT;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) => this.logger.warn(`server error: ${error.message}`));
        const info = this.server.address() as AddressInfo;
        this.bound = { host, port: info.port };
        resolve(this.bound);
      });
    });
  }

  /** Stops accepting, closes every connection (ending their long polls) and resolves when closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const connection of this.connections) connection.destroy();
      this.connections.clear();
    });
  }

  private accept(socket: Socket): void {
    const advertised = this.advertisedAddress;
    const connection = new WireConnection(socket, {
      registry: this.registry,
      baseContext: {
        broker: this.options.broker,
        advertisedHost: advertised.host,
        advertisedPort: advertised.port,
        supportedApis: this.registry.ranges(),
        topicIds: this.topicIds,
      },
      maxRequestBytes: this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      maxInFlight: this.options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION,
      logger: this.logger,
      stats: this.counters,
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}
