import { EmbeddedBroker } from '@peak/broker';
import { Kafka } from '../kafka';
import { logLevel } from '../logger/logger';

const SESSION_TIMEOUT = 400;
const HEARTBEAT_INTERVAL = 100;

/** Resolves once `ms` have passed: the slow handler's work, not a synchronisation. */
function busyFor(ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    const check = () => (Date.now() >= until ? resolve() : setTimeout(check, 10));
    check();
  });
}

describe('consumer with a handler slower than the session timeout', () => {
  let broker: EmbeddedBroker;
  let kafka: Kafka;

  beforeEach(async () => {
    broker = await EmbeddedBroker.start({});
    kafka = new Kafka({ clientId: 'slow', broker, logLevel: logLevel.NOTHING });
  });

  afterEach(async () => {
    await broker.close();
  });

  it.each(['eachMessage', 'eachBatch'] as const)('keeps its partitions with %s: heartbeats continue during the handler, no rebalance', async (mode) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'slow', messages: [{ value: 'slow' }, { value: 'next' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `g-${mode}`, sessionTimeout: SESSION_TIMEOUT, heartbeatInterval: HEARTBEAT_INTERVAL, maxWaitTimeInMs: 50 });
    let joins = 0;
    let rebalances = 0;
    let heartbeats = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => joins++);
    consumer.on(consumer.events.REBALANCING, () => rebalances++);
    consumer.on(consumer.events.HEARTBEAT, () => heartbeats++);
    await consumer.connect();
    await consumer.subscribe({ topic: 'slow', fromBeginning: true });

    const seen: string[] = [];
    let heartbeatsDuringSlowWork = 0;
    const handle = async (value: string): Promise<void> => {
      seen.push(value);
      if (value !== 'slow') return;
      const before = heartbeats;
      await busyFor(SESSION_TIMEOUT * 3);
      heartbeatsDuringSlowWork = heartbeats - before;
    };
    const done = new Promise<void>((resolve) => {
      const check = (): void => {
        if (seen.includes('next')) resolve();
      };
      void consumer.run(
        mode === 'eachMessage'
          ? {
              eachMessage: async ({ message }) => {
                await handle(String(message.value));
                check();
              },
            }
          : {
              eachBatch: async ({ batch, resolveOffset }) => {
                for (const m of batch.messages) {
                  await handle(String(m.value));
                  resolveOffset(m.offset);
                }
                check();
              },
            },
      );
    });
    await done;
    // A heartbeat after the slow handler would now say whether the member is still known.
    await consumer.commitOffsets([{ topic: 'slow', partition: 0, offset: '2' }]);
    await consumer.disconnect();

    expect(seen).toEqual(['slow', 'next']);
    expect(heartbeatsDuringSlowWork).toBeGreaterThan(0);
    expect(joins).toBe(1);
    expect(rebalances).toBe(0);
  });
});
