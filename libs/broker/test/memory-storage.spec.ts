import { MemoryLogStorage } from '../src/storage';
import { runStorageConformance } from './storage-conformance';

runStorageConformance({
  name: 'memory',
  create: () => ({ storage: new MemoryLogStorage(), cleanup: () => undefined }),
});
