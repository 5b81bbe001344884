export * from './consumer-protocol';
export * from './assigner.types';
export { ASSIGNER_PROTOCOL_VERSION } from './assignment-builder';
export * from './round-robin.assigner';
export * from './range.assigner';
