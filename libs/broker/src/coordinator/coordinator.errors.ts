import { GroupState } from '@peak/protocol';

/** A call reached the coordinator after close(). */
export class CoordinatorClosedError extends Error {
  constructor() {
    super('the group coordinator is closed');
    this.name = this.constructor.name;
  }
}

/** A bug: the group was asked to move between states Kafka's state machine does not connect. */
export class IllegalGroupStateTransitionError extends Error {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(`group ${groupId} cannot go from ${from} to ${to}`);
    this.name = this.constructor.name;
  }
}
