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
 */

export const initProducerIdApi: ApiDefinition<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,

  decodeRequest(reader: ByteReader): InitProducerIdRequest {
    return { transactionalId: reader.nullableString(), transactionTimeoutMs: reader.int32() };
  },

  encodeResponse(writer: ByteWriter, _version: number, response: InitProducerIdResponse): void {
    writer.int32(0).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch);
  },

  handle(request, context) {
    return context.broker.initProducerId(request);
  },
};
