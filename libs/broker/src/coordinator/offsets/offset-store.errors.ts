/** A mutation reached a store after close(). */
export class OffsetStoreClosedError extends Error {
  constructor() {
    super('the offset store is closed');
    this.name = this.constructor.name;
  }
}

/**
 * Writing or syncing the offsets file failed. The store stops accepting mutations: after a
 * failed write or fsync, what reached the disk is unknown (the next open keeps the valid prefix).
 */
export class OffsetStoreFailedError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}
