export * from './instrumentation.types';
export * from './emitter';
export * from './event-names';
