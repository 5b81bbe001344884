import { ByteReader } from '../codec/byte-reader';

/**
 * Request Header v1 => request_api_key request_api_version correlation_id client_id
 *   request_api_key => INT16
 *   request_api_version => INT16
 *   correlation_id => INT32
 *   client_id => NULLABLE_STRING
 *
 * Request Header v2 => request_api_key request_api_version correlation_id client_id TAG_BUFFER
 *   (client_id stays a NULLABLE_STRING, not a compact one, for compatibility)
 */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Bytes before client_id: api key, api version, correlation id. */
export const FIXED_HEADER_SIZE = 8;

/** Reads the fixed part every header version shares (works on any frame of 8+ bytes). */
export function peekHeader(frame: Buffer): Pick<RequestHeader, 'apiKey' | 'apiVersion' | 'correlationId'> {
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/**
 * Reads a v1 header, or v2 (trailing tagged fields) when `flexible`, and leaves the reader
 * in the body's mode (`reader.flexible`).
 */
export function readRequestHeader(reader: ByteReader, flexible: boolean): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString();
  if (flexible) reader.taggedFields();
  reader.flexible = flexible;
  return { apiKey, apiVersion, correlationId, clientId };
}
