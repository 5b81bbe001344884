export * from './kafkajs-error';
export * from './protocol-errors';
export * from './client-errors';
