import { BatchLayout, encodeRecordBatch, writeInt64 } from '@peak/protocol';
import { createLogger, logLevel } from '../logger/logger';
import { fakeBroker, wire } from '../test-support/fake-broker';
import type { EachBatchHandler, EachMessageHandler } from '../types/consumer.types';
import { FetchedBatch } from './batch';
import { BatchHandler, RunnerState } from './batch-handler';
import { ConsumerGroup } from './consumer-group';
import { OffsetManager } from './offset-manager';
import { PauseState } from './pause-state';

function batchOf(values: string[], baseOffset = 0): FetchedBatch {
  const buf = encodeRecordBatch(values.map((v) => ({ value: Buffer.from(v) })), { timestamp: 1 });
  writeInt64(buf, BatchLayout.BASE_OFFSET, baseOffset);
  return new FetchedBatch('t', 0, baseOffset, baseOffset + values.length, buf);
}

async function setup(handlers: { eachMessage?: EachMessageHandler; eachBatch?: EachBatchHandler; eachBatchAutoResolve?: boolean }) {
  const commits: number[] = [];
  const broker = fakeBroker({
    offsetFetch: async () => ({ errorCode: 0, topics: [{ topic: 't', partitions: [{ partition: 0, offset: 0, metadata: null, errorCode: 0 }] }] }),
    offsetCommit: async (r) => {
      commits.push(r.topics[0].partitions[0].offset);
      return { topics: r.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0 })) })) };
    },
  });
  const { client, emitter } = wire(broker);
  const offsets = new OffsetManager({ client, emitter, groupId: 'g', autoCommit: true, autoCommitInterval: null, autoCommitThreshold: null, generation: () => ({ generationId: 1, memberId: 'm' }) });
  await offsets.assign(new Map([['t', [0]]]), () => true);
  const group = { generationId: 1, heartbeatDue: () => false } as unknown as ConsumerGroup;
  const pauses = new PauseState();
  const state: RunnerState = { isRunning: () => true, hasPendingSeek: () => false, heartbeat: async () => undefined, autoCommit: () => offsets.commitOffsets(), autoCommitInBackground: () => void offsets.commitOffsets(), heartbeatFailure: () => null, progress: () => undefined };
  const handler = new BatchHandler(
    { group, offsets, pauses, emitter, logger: createLogger({ level: logLevel.NOTHING }), eachBatchAutoResolve: handlers.eachBatchAutoResolve ?? true, autoCommit: true, ...handlers },
    state,
  );
  return { handler, offsets, pauses, commits };
}

describe('BatchHandler', () => {
  it('resolves and commits each message handled by eachMessage', async () => {
    const seen: string[] = [];
    const { handler, offsets, commits } = await setup({ eachMessage: async ({ message }) => void seen.push(message.offset) });
    await handler.handle(batchOf(['a', 'b', 'c']));
    expect(seen).toEqual(['0', '1', '2']);
    expect(offsets.position('t', 0)).toBe(3);
    expect(commits).toEqual([3]);
  });

  it('leaves a throwing message unresolved, commits those before it, and rethrows', async () => {
    const { handler, offsets, commits } = await setup({
      eachMessage: async ({ message }) => {
        if (message.offset === '1') throw new Error('boom');
      },
    });
    await expect(handler.handle(batchOf(['a', 'b', 'c']))).rejects.toThrow('boom');
    expect(offsets.position('t', 0)).toBe(1);
    expect(commits).toEqual([1]);
  });

  it('stops an eachMessage batch when the handler pauses its partition', async () => {
    const seen: string[] = [];
    const { handler, pauses } = await setup({
      eachMessage: async ({ message, pause }) => {
        seen.push(message.offset);
        if (message.offset === '0') pause();
      },
    });
    await handler.handle(batchOf(['a', 'b']));
    expect(seen).toEqual(['0']);
    expect(pauses.isPaused('t', 0)).toBe(true);
  });

  it('gives eachBatch working resolveOffset / uncommittedOffsets / commitOffsetsIfNecessary', async () => {
    const { handler, offsets, commits } = await setup({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, uncommittedOffsets, commitOffsetsIfNecessary, isRunning, isStale }) => {
        expect(isRunning()).toBe(true);
        expect(isStale()).toBe(false);
        resolveOffset(batch.messages[1].offset);
        expect(uncommittedOffsets()).toEqual({ topics: [{ topic: 't', partitions: [{ partition: 0, offset: '2' }] }] });
        await commitOffsetsIfNecessary({ topics: [{ topic: 't', partitions: [{ partition: 0, offset: '2' }] }] });
      },
    });
    await handler.handle(batchOf(['a', 'b', 'c', 'd']));
    expect(commits[0]).toBe(2);
    expect(offsets.position('t', 0)).toBe(2);
  });

  it('auto-resolves the whole batch after eachBatch by default', async () => {
    const { handler, offsets } = await setup({ eachBatch: async () => undefined });
    await handler.handle(batchOf(['a', 'b', 'c'], 10));
    expect(offsets.position('t', 0)).toBe(13);
  });
});
