export * from './topics/topics.constants';
export * from './headers/headers.constants';
export * from './events/order-events.types';
export * from './errors/contract.errors';
export * from './codec/event-codec';
export { ORDER_EVENTS_PROTO } from './schemas/order-events.proto';
export * from './auth/token.contract';
export * from './auth/hs256-token';
export * from './auth/buyer-id';
