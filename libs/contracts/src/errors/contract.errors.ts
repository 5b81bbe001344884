/** The message carries a schema version this code cannot read. Not retriable. */
export class UnsupportedSchemaVersionError extends Error {
  constructor(readonly topic: string, readonly version: string | undefined) {
    super(`unsupported ${'schema-version'} "${version ?? '(missing)'}" on ${topic}`);
    this.name = this.constructor.name;
  }
}

/** The bytes are not a valid event of the topic's schema. Not retriable. */
export class EventDecodeError extends Error {
  constructor(readonly topic: string, cause: unknown) {
    super(`cannot decode event on ${topic}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = this.constructor.name;
  }
}

/** A topic that has no schema in the contracts. */
export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`no schema registered for topic ${topic}`);
    this.name = this.constructor.name;
  }
}
