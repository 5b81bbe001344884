/** A request whose bytes do not parse: truncated, a negative length, a count larger than the bytes left. */
export class ProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}
