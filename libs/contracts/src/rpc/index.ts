export * from './rpc.routes';
export * from './rpc.types';
export * from './rpc-validation';
export * from './rpc-body.pipe';
