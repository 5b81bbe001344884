import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker, EmbeddedBrokerConfig } from '@peak/broker';
import { KafkaWireServer, KafkaWireServerOptions } from '@peak/wire';

/** An EmbeddedBroker on a temp data dir behind a KafkaWireServer on an ephemeral port. */
export interface WireHarness {
  broker: EmbeddedBroker;
  server: KafkaWireServer;
  /** "127.0.0.1:<port>" for a client's brokers list. */
  bootstrap: string;
  port: number;
  stop(): Promise<void>;
}

export async function startWireHarness(
  brokerConfig: EmbeddedBrokerConfig = {},
  serverOptions: Partial<Omit<KafkaWireServerOptions, 'broker'>> = {},
): Promise<WireHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peak-wire-'));
  const broker = await EmbeddedBroker.start({ dataDir, autoCreateTopics: true, ...brokerConfig });
  const server = new KafkaWireServer({ broker, port: 0, ...serverOptions });
  const { port } = await server.start();
  broker.setAdvertisedListener(server.advertisedAddress.host, server.advertisedAddress.port);
  return {
    broker,
    server,
    port,
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      await server.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
