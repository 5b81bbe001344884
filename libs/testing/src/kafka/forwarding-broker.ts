import type { BrokerApi } from '@peak/protocol';

/**
 * A BrokerApi that sends every call to whichever broker `current()` returns at call time, so a
 * client built on it keeps working when the broker behind it is closed and opened again.
 */
export function forwardingBroker(current: () => BrokerApi): BrokerApi {
  return new Proxy({} as BrokerApi, {
    get: (_target, method: string | symbol) => {
      if (typeof method !== 'string') return undefined;
      return (...args: unknown[]) => {
        const target = current() as unknown as Record<string, (...a: unknown[]) => unknown>;
        return target[method](...args);
      };
    },
  });
}
