export * from './retry.types';
export * from './retrier';
