export * from './configure-http-app';
export * from './validation.pipe';
export * from './fastify-adapter';
export * from './run-app';
export * from './capacity';
export * from './health';
