import { KafkaJSError, KafkaJSNonRetriableError } from './kafkajs-error';

/** Retries ran out; `cause` holds the last failure. Not retriable itself. */
export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  readonly retryCount: number;
  readonly retryTime: number;

  constructor(e: Error, metadata: { retryCount: number; retryTime: number }) {
    super(e, { cause: e });
    this.stack = `${this.name}\n  Caused by: ${e.stack ?? e.message}`;
    this.retryCount = metadata.retryCount;
    this.retryTime = metadata.retryTime;
  }
}

/** The broker could not be reached or failed while serving a request (retriable). */
export class KafkaJSConnectionError extends KafkaJSError {
  readonly broker?: string;
  readonly code?: string;

  constructor(e: Error | string, metadata: { broker?: string; code?: string; cause?: Error } = {}) {
    super(e, { cause: metadata.cause });
    this.broker = metadata.broker;
    this.code = metadata.code;
  }
}

export interface RequestTimeoutMetadata {
  broker: string;
  clientId?: string;
  correlationId: number;
  createdAt: number;
  sentAt: number;
  pendingDuration: number;
}

/** A request took longer than `requestTimeout`. */
export class KafkaJSRequestTimeoutError extends KafkaJSError {
  readonly broker: string;
  readonly correlationId: number;
  readonly createdAt: number;
  readonly sentAt: number;
  readonly pendingDuration: number;

  constructor(e: Error | string, metadata: RequestTimeoutMetadata) {
    super(e);
    this.broker = metadata.broker;
    this.correlationId = metadata.correlationId;
    this.createdAt = metadata.createdAt;
    this.sentAt = metadata.sentAt;
    this.pendingDuration = metadata.pendingDuration;
  }
}

export class KafkaJSMetadataNotLoaded extends KafkaJSError {}

/** The cluster metadata has no entry for a topic yet. */
export class KafkaJSTopicMetadataNotLoaded extends KafkaJSMetadataNotLoaded {
  readonly topic: string;

  constructor(e: Error | string, metadata: { topic: string }) {
    super(e);
    this.topic = metadata.topic;
  }
}

export class KafkaJSStaleTopicMetadataAssignment extends KafkaJSError {
  readonly topic: string;
  readonly unknownPartitions: number[];

  constructor(e: Error | string, metadata: { topic: string; unknownPartitions: number[] }) {
    super(e);
    this.topic = metadata.topic;
    this.unknownPartitions = metadata.unknownPartitions;
  }
}

/** The broker does not implement an API the client needs. */
export class KafkaJSServerDoesNotSupportApiKey extends KafkaJSNonRetriableError {
  readonly apiKey?: number;
  readonly apiName?: string;

  constructor(e: Error | string, metadata: { apiKey?: number; apiName?: string } = {}) {
    super(e);
    this.apiKey = metadata.apiKey;
    this.apiName = metadata.apiName;
  }
}

export class KafkaJSBrokerNotFound extends KafkaJSError {}
export class KafkaJSPartialMessageError extends KafkaJSNonRetriableError {}
export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {}
export class KafkaJSGroupCoordinatorNotFound extends KafkaJSNonRetriableError {}
export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {}
export class KafkaJSTimeout extends KafkaJSNonRetriableError {}
export class KafkaJSLockTimeout extends KafkaJSError {}
export class KafkaJSUnsupportedMagicByteInMessageSet extends KafkaJSNonRetriableError {}

export interface DeleteGroupsErrorEntry {
  groupId: string;
  errorCode: number;
  error: KafkaJSError;
}

/** deleteGroups failed for some groups; `groups` lists each one with its error. */
export class KafkaJSDeleteGroupsError extends KafkaJSError {
  readonly groups: DeleteGroupsErrorEntry[];

  constructor(e: Error | string, groups: DeleteGroupsErrorEntry[] = []) {
    super(e);
    this.groups = groups;
  }
}

/** Several attempts failed; `errors` keeps each. */
export class KafkaJSAggregateError extends Error {
  readonly errors: Array<Error | string>;

  constructor(message: Error | string, errors: Array<Error | string>) {
    super(typeof message === 'string' ? message : message.message);
    this.name = this.constructor.name;
    this.errors = errors;
  }
}
