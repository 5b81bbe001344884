export * from './consumers.health';
export * from './service-health.controller';
export * from './service-health.module';
