import { ErrorCode, GroupProtocol, JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from '@peak/protocol';

const EMPTY = Buffer.alloc(0);

/**
 * One member of a group as the coordinator tracks it: identity, timeouts, the protocols it
 * offered (opaque metadata), its current assignment (opaque bytes from the leader), and the
 * JoinGroup / SyncGroup responses it is waiting for. Not thread-safe.
 */
export class GroupMember {
  assignment: Buffer = EMPTY;
  /** True from its first JoinGroup until a join round includes it. */
  isNew = true;
  sessionTimer: NodeJS.Timeout | null = null;
  private joinWaiter: ((response: JoinGroupResponse) => void) | null = null;
  private syncWaiter: ((response: SyncGroupResponse) => void) | null = null;

  clientId: string;
  clientHost: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];

  constructor(
    readonly memberId: string,
    request: JoinGroupRequest,
  ) {
    this.clientId = request.clientId;
    this.clientHost = request.clientHost;
    this.groupInstanceId = request.groupInstanceId;
    this.sessionTimeoutMs = request.sessionTimeoutMs;
    this.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    this.protocolType = request.protocolType;
    this.protocols = request.protocols;
  }

  /** Takes the settings of a rejoin (protocols may change between generations). */
  update(request: JoinGroupRequest): void {
    this.clientId = request.clientId;
    this.clientHost = request.clientHost;
    this.sessionTimeoutMs = request.sessionTimeoutMs;
    this.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    this.protocols = request.protocols;
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null;
  }

  protocolNames(): string[] {
    return this.protocols.map(p => p.name);
  }

  /** Metadata offered for `protocol` (empty if it did not offer it). */
  metadataFor(protocol: string): Buffer {
    return this.protocols.find(p => p.name === protocol)?.metadata ?? EMPTY;
  }

  /** Same protocols, in the same order, with the same metadata bytes. */
  matches(protocols: GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    );
  }

  /**
   * Returns the promise of this member's next JoinGroup response. A join still waiting is
   * answered REBALANCE_IN_PROGRESS first, so no caller is left hanging.
   */
  awaitJoin(): Promise<JoinGroupResponse> {
    this.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, this.memberId));
    return new Promise(resolve => (this.joinWaiter = resolve));
  }

  /** Like awaitJoin, for SyncGroup. */
  awaitSync(): Promise<SyncGroupResponse> {
    this.completeSync({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    return new Promise(resolve => (this.syncWaiter = resolve));
  }

  /** Answers a waiting JoinGroup, if any. */
  completeJoin(response: JoinGroupResponse): void {
    const waiter = this.joinWaiter;
    this.joinWaiter = null;
    waiter?.(response);
  }

  /** Answers a waiting SyncGroup, if any. */
  completeSync(response: SyncGroupResponse): void {
    const waiter = this.syncWaiter;
    this.syncWaiter = null;
    waiter?.(response);
  }

  /** Answers whatever this member waits for with `errorCode` (member removed, coordinator closing). */
  abandon(errorCode: number): void {
    this.completeJoin(joinError(errorCode, this.memberId));
    this.completeSync({ errorCode, assignment: EMPTY });
  }
}

/** A JoinGroup response carrying only an error. */
export function joinError(errorCode: number, memberId: string, generationId = -1): JoinGroupResponse {
  return { errorCode, generationId, protocolName: '', leader: '', memberId, members: [] };
}
