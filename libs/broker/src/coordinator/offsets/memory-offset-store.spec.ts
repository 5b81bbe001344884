import { MemoryOffsetStore } from './memory-offset-store';
import { describeOffsetStoreConformance } from './offset-store.conformance';

describeOffsetStoreConformance('MemoryOffsetStore', async () => new MemoryOffsetStore());
