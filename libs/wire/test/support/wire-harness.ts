import { EmbeddedBroker, EmbeddedBrokerConfig } from '@peak/broker';
import { startEmbeddedKafka } from '@peak/testing';
import { KafkaWireServer } from '@peak/wire';

/** An EmbeddedBroker on a temp data dir behind a KafkaWireServer on an ephemeral port (via @peak/testing). */
export interface WireHarness {
  broker: EmbeddedBroker;
  server: KafkaWireServer;
  /** "127.0.0.1:<port>" for a client's brokers list. */
  bootstrap: string;
  port: number;
  stop(): Promise<void>;
}

export async function startWireHarness(brokerConfig: EmbeddedBrokerConfig = {}): Promise<WireHarness> {
  const embedded = await startEmbeddedKafka({ dataDir: 'temp', autoCreateTopics: brokerConfig.autoCreateTopics ?? true, tcp: true, brokerConfig });
  const server = embedded.server as KafkaWireServer;
  return {
    broker: embedded.broker,
    server,
    port: server.address.port,
    bootstrap: embedded.brokers[0],
    stop: () => embedded.stop(),
  };
}
