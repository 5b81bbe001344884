export * from './capacity-clock';
export * from './stage-capacity';
export * from './stage-capacity.errors';
