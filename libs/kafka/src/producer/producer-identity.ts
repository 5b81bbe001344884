import { BrokerClient } from '../cluster/broker-client';
import { createErrorFromCode } from '../errors';
import { SequenceTracker } from './sequence-tracker';

/** What an idempotent batch is encoded with. */
export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/**
 * An idempotent producer's id, epoch and per-partition sequences. A send reserves its
 * sequences when it encodes; a retry re-sends the same bytes so the broker drops a
 * duplicate. A batch that fails for good leaves a gap in its partition's sequences, after
 * which the broker would refuse every later batch as OUT_OF_ORDER_SEQUENCE_NUMBER; so,
 * as Kafka's idempotent producer resets its producer id when a batch is unresolved, the
 * id that encoded such a batch is dropped: the next send asks for a new one and sequences
 * start again at 0 (batches still encoded under the old id are re-encoded before a retry).
 * Safe for concurrent sends (one InitProducerId at a time).
 */
export class ProducerIdentity {
  producerId = -1;
  producerEpoch = -1;
  private readonly sequences = new SequenceTracker();
  private pending: Promise<void> | null = null;

  constructor(private readonly client: BrokerClient) {}

  /** Resolves once a producer id is held (asking the broker for one if needed). */
  ensure(): Promise<void> {
    if (this.producerId >= 0) return Promise.resolve();
    this.pending ??= this.client
      .send('initProducerId', (b) => b.initProducerId({ transactionalId: null, transactionTimeoutMs: 60_000 }))
      .then((r) => {
        if (r.errorCode !== 0) throw createErrorFromCode(r.errorCode);
        this.producerId = r.producerId;
        this.producerEpoch = r.producerEpoch;
        this.sequences.reset();
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Reserves `count` sequences of a partition under the current id (ensure() first). */
  reserve(topic: string, partition: number, count: number): BatchIdentity {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.sequences.reserve(topic, partition, count) };
  }

  /** A batch encoded under `producerId` was not written and never will be: drop that id (once). */
  abandon(producerId: number): void {
    if (producerId !== this.producerId) return;
    this.producerId = -1;
    this.producerEpoch = -1;
  }
}
