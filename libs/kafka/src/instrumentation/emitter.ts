import { EventEmitter } from 'node:events';
import { InstrumentationEvent } from './instrumentation.types';

let nextEventId = 0;

/**
 * Emits kafkajs-shaped instrumentation events. `emit` does nothing (no allocation) when
 * nobody listens, so the hot paths can call it freely. A listener that throws or rejects
 * is logged through `onListenerError`, never propagated into the client.
 */
export class InstrumentationEmitter {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (eventName: string, e: unknown) => void = () => undefined) {
    this.emitter.setMaxListeners(0);
  }

  hasListeners(eventName: string): boolean {
    return this.emitter.listenerCount(eventName) > 0;
  }

  emit<T>(eventName: string, payload: T): void {
    if (this.emitter.listenerCount(eventName) === 0) return;
    const event: InstrumentationEvent<T> = { id: String(nextEventId++), type: eventName, timestamp: Date.now(), payload };
    this.emitter.emit(eventName, event);
  }

  /** Adds a listener; returns the function that removes it. */
  addListener<T>(eventName: string, listener: (event: InstrumentationEvent<T>) => unknown): () => void {
    const wrapped = (event: InstrumentationEvent<T>): void => {
      try {
        const result = listener(event);
        if (result && typeof (result as Promise<unknown>).catch === 'function') {
          (result as Promise<unknown>).catch((e: unknown) => this.onListenerError(eventName, e));
        }
      } catch (e) {
        this.onListenerError(eventName, e);
      }
    };
    this.emitter.on(eventName, wrapped);
    return () => {
      this.emitter.removeListener(eventName, wrapped);
    };
  }
}
