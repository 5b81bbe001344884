/** A caller left the line of a StageCapacity because it no longer wanted the capacity (its deadline passed). */
export class CapacityWaitCancelledError extends Error {
  constructor(readonly stage: string) {
    super(`${stage}: the caller gave up before its turn came (deadline passed); nothing was done`);
    this.name = this.constructor.name;
  }
}
