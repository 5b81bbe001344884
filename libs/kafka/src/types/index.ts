export * from './config.types';
export * from './metadata.types';
export * from './message.types';
export * from './assigner.types';
export * from './consumer.types';
export * from './admin.types';
