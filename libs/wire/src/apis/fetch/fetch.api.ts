import { FetchRequest, FetchResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * Fetch Request (Version: 4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       partition_max_bytes => INT32
 * Fetch Request (Version: 5) => same, partitions => partition fetch_offset log_start_offset partition_max_bytes
 *       log_start_offset => INT64
 * Fetch Request (Version: 6) => same as version 5
 * Fetch Request (Version: 7) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data]
 *   session_id => INT32
 *   session_epoch => INT32
 *   forgotten_topics_data => topic [partitions]
 *     topic => STRING
 *     partitions => INT32
 * Fetch Request (Version: 8) => same as version 7
 * Fetch Request (Version: 9) => same, partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
 *       current_leader_epoch => INT32
 * Fetch Request (Version: 10) => same as version 9
 * Fetch Request (Version: 11) => ... [topics] [forgotten_topics_data] rack_id
 *   rack_id => STRING
 *
 * Fetch Response (Version: 4) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition_index error_code high_watermark last_stable_offset [aborted_transactions] records
 *       partition_index => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64
 *       aborted_transactions => producer_id first_offset
 *         producer_id => INT64
 *         first_offset => INT64
 *       records => RECORDS
 * Fetch Response (Version: 5) => same, partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] records
 *       log_start_offset => INT64
 * Fetch Response (Version: 6) => same as version 5
 * Fetch Response (Version: 7) => throttle_time_ms error_code session_id [responses]
 *   error_code => INT16
 *   session_id => INT32
 * Fetch Response (Version: 8..10) => same as version 7
 * Fetch Response (Version: 11) => same, partitions => ... [aborted_transactions] preferred_read_replica records
 *       preferred_read_replica => INT32
 *
 * Fetch sessions are not kept: every answer is a full response with session_id 0, which
 * tells the client that the broker runs sessionless. Stored batches are written as they
 * are stored (RecordBatch v2), never decoded.
 */

/** session_id 0: this broker holds no incremental fetch sessions. */
const SESSIONLESS = 0;
const NO_PREFERRED_REPLICA = -1;
const EMPTY_RECORDS = Buffer.alloc(0);

export const fetchApi: ApiDefinition<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,

  decodeRequest(reader: ByteReader, version: number): FetchRequest {
    reader.int32(); // replica_id: consumers send -1
    const maxWaitMs = reader.int32();
    const minBytes = reader.int32();
    const maxBytes = reader.int32();
    const isolationLevel = reader.int8();
    if (version >= 7) {
      reader.int32(); // session_id
      reader.int32(); // session_epoch
    }
    const topics = reader.array((t) => ({
      topic: t.string(),
      partitions: t.array((p) => {
        const partition = p.int32();
        if (version >= 9) p.int32(); // current_leader_epoch
        const fetchOffset = p.int64();
        if (version >= 5) p.int64(); // log_start_offset (followers only)
        const partitionMaxBytes = p.int32();
        return { partition, fetchOffset, partitionMaxBytes };
      }),
    }));
    if (version >= 7) reader.array((t) => ({ topic: t.string(), partitions: t.array((p) => p.int32()) }));
    if (version >= 11) reader.string(); // rack_id
    return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
  },

  encodeResponse(writer: ByteWriter, version: number, response: FetchResponse): void {
    writer.int32(response.throttleTimeMs);
    if (version >= 7) writer.int16(response.errorCode).int32(SESSIONLESS);
    writer.array(response.topics, (w, t) => {
      w.string(t.topic).array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
        if (version >= 5) pw.int64(p.logStartOffset);
        pw.int32(0); // aborted_transactions: none, no transactions are ever open
        if (version >= 11) pw.int32(NO_PREFERRED_REPLICA);
        pw.bytes(p.records ?? EMPTY_RECORDS); // Kafka writes an empty set, never null
      });
    });
  },

  handle(request, context) {
    return context.broker.fetch({ ...request, signal: context.signal });
  },
};
