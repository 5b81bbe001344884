export * from './broker/embedded-broker';
export * from './broker/broker-options';
export * from './storage/log-config';
export * from './storage/storage.interface';
