import { StubBroker } from './support/stub-broker';
import { KafkaWireServer } from '@peak/wire';
const { Kafka, logLevel } = require('kafkajs');
(async () => {
  const server = new KafkaWireServer({ broker: new StubBroker(), port: 0 }); const { port } = await server.start(); const h = { bootstrap: '127.0.0.1:' + port, stop: () => server.close() };
  const kafka = new Kafka({ brokers: [h.bootstrap], clientId: 'smoke', logLevel: logLevel.WARN });
  const admin = kafka.admin(); await admin.connect();
  await admin.createTopics({ topics: [{ topic: 't1', numPartitions: 2 }] });
  console.log(await admin.listTopics());
  const p = kafka.producer(); await p.connect();
  console.log(await p.send({ topic: 't1', messages: [{ key: 'a', value: 'hello' }, { key: 'b', value: 'world' }] }));
  const c = kafka.consumer({ groupId: 'g1' }); await c.connect();
  await c.subscribe({ topic: 't1', fromBeginning: true });
  let n = 0;
  await new Promise<void>((res) => c.run({ eachMessage: async ({ message }: any) => { console.log('got', message.value.toString()); if (++n === 2) res(); } }));
  await c.disconnect(); await p.disconnect(); await admin.disconnect();
  await h.stop();
})().catch((e) => { console.error('FAIL', e); process.exit(1); });
