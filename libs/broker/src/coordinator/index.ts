export * from './group-coordinator.options';
export * from './group-coordinator';
export * from './coordinator.errors';
export * from './offsets/offset-store.interface';
export * from './offsets/offset-store.errors';
export { MemoryOffsetStore } from './offsets/memory-offset-store';
export { DiskOffsetStore, DiskOffsetStoreOptions, OFFSETS_FILE_NAME } from './offsets/disk-offset-store';
