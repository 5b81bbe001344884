import { InitProducerIdRequest, InitProducerIdResponse } from '@peak/protocol';
import { ByteReader } from '../../codec/byte-reader';
import { ByteWriter } from '../../codec/byte-writer';
import { ApiKey } from '../../protocol/api-keys';
import { ApiDefinition } from '../api-definition.types';

/*
 * InitProducerId Request (Version: 0) => transactional_id transaction_timeout_ms
 *   transactional_id => NULLABLE_STRING
 *   transaction_timeout_ms => INT32
 * InitProducerId Request (Version: 1) => same as version 0
 *
 * InitProducerId Response (Version: 0) => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   producer_id => INT64
 *   producer_epoch => INT16
 * InitProducerId Response (Version: 1) => same as version 0
 * InitProducerId Request/Response (Version: 2) => same as version 1, flexible
 * InitProducerId Request (Version: 3..5) => transactional_id transaction_timeout_ms producer_id producer_epoch
 *   producer_id => INT64, producer_epoch => INT16 (-1/-1: a new producer; otherwise the id to bump)
 *
 * Transactions are refused: a transactional_id gets INVALID_REQUEST from the broker.
 */

export const initProducerIdApi: ApiDefinition<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 2,

  decodeRequest(reader: ByteReader, version: number): InitProducerIdRequest {
    const transactionalId = reader.flexNullableString();
    const transactionTimeoutMs = reader.int32();
    if (version >= 3) {
      reader.int64(); // producer_id
      reader.int16(); // producer_epoch
    }
    reader.flexTags();
    return { transactionalId, transactionTimeoutMs };
  },

  encodeResponse(writer: ByteWriter, _version: number, response: InitProducerIdResponse): void {
    writer.int32(0).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch).flexTags();
  },

  handle(request, context) {
    return context.broker.initProducerId(request);
  },
};
