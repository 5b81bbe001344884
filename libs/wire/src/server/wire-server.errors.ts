/** A frame that cannot be a Kafka request: bad size prefix, oversized, too short. */
export class InvalidFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}
