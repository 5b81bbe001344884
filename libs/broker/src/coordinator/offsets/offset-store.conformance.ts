import { OffsetStoreClosedError } from './offset-store.errors';
import { OffsetCommitEntry, OffsetStore } from './offset-store.interface';

/**
 * Behaviour every OffsetStore must have, run by each implementation's spec through a factory.
 * `open` returns a fresh store; `cleanup` runs after each test.
 */
export function describeOffsetStoreConformance(
  name: string,
  open: () => Promise<OffsetStore>,
  cleanup: () => Promise<void> = async () => undefined,
): void {
  const entry = (topic: string, partition: number, offset: number, metadata: string | null = null): OffsetCommitEntry => ({
    topic,
    partition,
    offset,
    metadata,
    commitTimestampMs: 1_700_000_000_000 + offset,
  });

  describe(`${name} (OffsetStore conformance)`, () => {
    let store: OffsetStore;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('returns nothing for unknown groups and partitions', () => {
      expect(store.get('g', 't', 0)).toBeUndefined();
      expect(store.list('g')).toEqual([]);
      expect(store.groupIds()).toEqual([]);
    });

    it('keeps the latest commit per partition', async () => {
      await store.commit('g', [entry('t', 0, 5, 'meta'), entry('t', 1, 7)]);
      await store.commit('g', [entry('t', 0, 9)]);
      expect(store.get('g', 't', 0)).toEqual({ offset: 9, metadata: null, commitTimestampMs: 1_700_000_000_009 });
      expect(store.get('g', 't', 1)?.offset).toBe(7);
      expect(store.groupIds()).toEqual(['g']);
    });

    it('shows a commit once its promise settles', async () => {
      await store.commit('g', [entry('t', 0, 3)]);
      expect(store.get('g', 't', 0)?.offset).toBe(3);
    });

    it('lists a group sorted by topic then partition', async () => {
      await store.commit('g', [entry('b', 1, 1), entry('a', 10, 2), entry('a', 2, 3)]);
      expect(store.list('g').map(e => `${e.topic}:${e.partition}`)).toEqual(['a:2', 'a:10', 'b:1']);
    });

    it('keeps groups apart and deletes one group', async () => {
      await store.commit('g1', [entry('t', 0, 1)]);
      await store.commit('g2', [entry('t', 0, 2)]);
      await store.deleteGroup('g1');
      expect(store.get('g1', 't', 0)).toBeUndefined();
      expect(store.get('g2', 't', 0)?.offset).toBe(2);
      expect(store.groupIds()).toEqual(['g2']);
    });

    it('deletes a topic from every group', async () => {
      await store.commit('g1', [entry('gone', 0, 1), entry('kept', 0, 1)]);
      await store.commit('g2', [entry('gone', 3, 2)]);
      await store.deleteTopic('gone');
      expect(store.list('g1').map(e => e.topic)).toEqual(['kept']);
      expect(store.groupIds()).toEqual(['g1']);
    });

    it('stores unicode names and metadata', async () => {
      await store.commit('grüppe', [entry('tópic', 0, 42, 'ünïcødé')]);
      expect(store.get('grüppe', 'tópic', 0)?.metadata).toBe('ünïcødé');
    });

    it('settles every concurrent commit, last call wins', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.commit('g', [entry('t', i % 5, i)])));
      expect(store.list('g').map(e => e.offset)).toEqual([45, 46, 47, 48, 49]);
    });

    it('rejects mutations after close', async () => {
      await store.close();
      await expect(store.commit('g', [entry('t', 0, 1)])).rejects.toBeInstanceOf(OffsetStoreClosedError);
      store = await open();
    });
  });
}
