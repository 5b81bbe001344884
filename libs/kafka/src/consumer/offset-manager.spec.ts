import { EARLIEST_TIMESTAMP, ListOffsetsRequest, OffsetCommitRequest } from '@peak/protocol';
import { fakeBroker, wire } from '../test-support/fake-broker';
import { OffsetManager } from './offset-manager';

function setup(opts: { committed?: Record<number, number>; autoCommitThreshold?: number | null; autoCommit?: boolean } = {}) {
  const commits: OffsetCommitRequest[] = [];
  const listed: ListOffsetsRequest[] = [];
  const broker = fakeBroker({
    offsetFetch: async (r) => ({
      errorCode: 0,
      topics: (r.topics ?? []).map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p, offset: opts.committed?.[p] ?? -1, metadata: null, errorCode: 0 })) })),
    }),
    listOffsets: async (r) => {
      listed.push(r);
      return { topics: r.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, timestamp: -1, offset: p.timestamp === EARLIEST_TIMESTAMP ? 0 : 100 })) })) };
    },
    offsetCommit: async (r) => {
      commits.push(r);
      return { topics: r.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0 })) })) };
    },
  });
  const { client, emitter } = wire(broker);
  const manager = new OffsetManager({
    client,
    emitter,
    groupId: 'g',
    autoCommit: opts.autoCommit ?? true,
    autoCommitInterval: null,
    autoCommitThreshold: opts.autoCommitThreshold ?? null,
    generation: () => ({ generationId: 3, memberId: 'm' }),
  });
  return { manager, commits, listed };
}

describe('OffsetManager', () => {
  it('starts at the committed offset, else at the default (earliest with fromBeginning, else latest)', async () => {
    const { manager, listed } = setup({ committed: { 0: 5 } });
    await manager.assign(new Map([['t', [0, 1]]]), () => true);
    expect(manager.position('t', 0)).toBe(5);
    expect(manager.position('t', 1)).toBe(0);
    expect(listed[0].topics[0].partitions).toEqual([{ partition: 1, timestamp: EARLIEST_TIMESTAMP }]);
    const latest = setup();
    await latest.manager.assign(new Map([['t', [0]]]), () => false);
    expect(latest.manager.position('t', 0)).toBe(100);
  });

  it('commits only resolved offsets that differ from the committed ones', async () => {
    const { manager, commits } = setup({ committed: { 0: 5 } });
    await manager.assign(new Map([['t', [0, 1]]]), () => true);
    expect(manager.uncommittedOffsets()).toEqual({ topics: [] });
    manager.resolveOffset('t', 0, 7);
    expect(manager.position('t', 0)).toBe(8);
    expect(manager.uncommittedOffsets()).toEqual({ topics: [{ topic: 't', partitions: [{ partition: 0, offset: '8' }] }] });
    await manager.commitOffsets();
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ groupId: 'g', generationId: 3, memberId: 'm', topics: [{ topic: 't', partitions: [{ partition: 0, offset: 8, metadata: null }] }] });
    expect(manager.uncommittedOffsets()).toEqual({ topics: [] });
    await manager.commitOffsets();
    expect(commits).toHaveLength(1);
  });

  it('says a commit is due once autoCommitThreshold messages are resolved', async () => {
    const { manager } = setup({ committed: { 0: 0 }, autoCommitThreshold: 3 });
    await manager.assign(new Map([['t', [0]]]), () => true);
    manager.resolveOffset('t', 0, 0);
    manager.resolveOffset('t', 0, 1);
    expect(manager.commitDue()).toBe(false);
    manager.resolveOffset('t', 0, 2);
    expect(manager.commitDue()).toBe(true);
  });

  it('commits a seek at once with autoCommit, and only moves the position without it', async () => {
    const auto = setup({ committed: { 0: 9 } });
    await auto.manager.assign(new Map([['t', [0]]]), () => true);
    await auto.manager.seek('t', 0, 2);
    expect(auto.manager.position('t', 0)).toBe(2);
    expect(auto.commits[0].topics[0].partitions[0].offset).toBe(2);
    const manual = setup({ committed: { 0: 9 }, autoCommit: false });
    await manual.manager.assign(new Map([['t', [0]]]), () => true);
    await manual.manager.seek('t', 0, 2);
    expect(manual.commits).toHaveLength(0);
    expect(manual.manager.uncommittedOffsets().topics[0].partitions[0].offset).toBe('2');
  });

  it('ignores offsets of partitions it does not own', async () => {
    const { manager } = setup();
    await manager.assign(new Map([['t', [0]]]), () => true);
    manager.resolveOffset('t', 5, 10);
    manager.resolveOffset('other', 0, 10);
    expect(manager.isAssigned('t', 5)).toBe(false);
    expect(manager.uncommittedOffsets()).toEqual({ topics: [] });
  });
});
