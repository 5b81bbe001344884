import type { AddressInfo } from 'node:net';

/** Something with a Node server's address(): the application's HTTP server. */
export interface AddressSource {
  address(): AddressInfo | string | null;
}

/**
 * The base URL this process's HTTP server can be called on from here, or null while it does
 * not listen (or listens on a pipe). A wildcard address is reached on loopback.
 */
export function ownServerUrl(server: AddressSource | undefined): string | null {
  const addr = server?.address();
  if (!addr || typeof addr === 'string') return null;
  const ip = addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address === '::' ? '::1' : addr.address;
  return `http://${ip.includes(':') ? `[${ip}]` : ip}:${addr.port}`;
}
