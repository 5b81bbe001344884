export * from './storage.interface';
export * from './log-config';
export * from './storage.errors';
export * from './memory/memory-log';
export * from './memory/memory-storage';
export * from './disk/disk-log';
export * from './disk/disk-storage';
export { FlushScheduler } from './disk/flush-scheduler';
