/**
 * Kafka's protocol error codes as data: code, type (the name kafkajs uses), whether a client
 * may retry, and a one-line explanation. `ErrorCode.X` gives the numeric code by name.
 */
export interface KafkaErrorInfo {
  code: number;
  type: string;
  retriable: boolean;
  message: string;
}

const table: Array<[number, string, boolean, string]> = [
  [-1, 'UNKNOWN', false, 'The server hit an unexpected error'],
  [0, 'NONE', false, 'No error'],
  [1, 'OFFSET_OUT_OF_RANGE', false, 'The requested offset is outside the range the log holds'],
  [2, 'CORRUPT_MESSAGE', true, 'A record batch failed its CRC or is malformed'],
  [3, 'UNKNOWN_TOPIC_OR_PARTITION', true, 'This topic or partition does not exist on this broker'],
  [4, 'INVALID_FETCH_SIZE', false, 'The fetch size is invalid'],
  [5, 'LEADER_NOT_AVAILABLE', true, 'The partition has no leader right now'],
  [6, 'NOT_LEADER_FOR_PARTITION', true, 'This broker does not lead that partition'],
  [7, 'REQUEST_TIMED_OUT', true, 'The request timed out'],
  [8, 'BROKER_NOT_AVAILABLE', false, 'The broker is not available'],
  [9, 'REPLICA_NOT_AVAILABLE', true, 'The replica is not available'],
  [10, 'MESSAGE_TOO_LARGE', false, 'The batch is larger than the broker accepts'],
  [11, 'STALE_CONTROLLER_EPOCH', false, 'The controller epoch is stale'],
  [12, 'OFFSET_METADATA_TOO_LARGE', false, 'The offset commit metadata is too large'],
  [13, 'NETWORK_EXCEPTION', true, 'The connection closed before a response arrived'],
  [14, 'GROUP_LOAD_IN_PROGRESS', true, 'The coordinator is still loading group state'],
  [15, 'GROUP_COORDINATOR_NOT_AVAILABLE', true, 'The group coordinator is not available'],
  [16, 'NOT_COORDINATOR_FOR_GROUP', true, 'This broker is not the coordinator of that group'],
  [17, 'INVALID_TOPIC_EXCEPTION', false, 'The topic name is invalid or the topic is internal'],
  [18, 'RECORD_LIST_TOO_LARGE', false, 'The produce request is larger than allowed'],
  [19, 'NOT_ENOUGH_REPLICAS', true, 'Fewer in-sync replicas than required'],
  [20, 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', true, 'Written, but to fewer in-sync replicas than required'],
  [21, 'INVALID_REQUIRED_ACKS', false, 'acks must be -1, 0 or 1'],
  [22, 'ILLEGAL_GENERATION', false, 'The generation id is not the group\'s current one'],
  [23, 'INCONSISTENT_GROUP_PROTOCOL', false, 'The member\'s protocols do not match the group\'s'],
  [24, 'INVALID_GROUP_ID', false, 'The group id is empty or invalid'],
  [25, 'UNKNOWN_MEMBER_ID', false, 'The coordinator does not know this member'],
  [26, 'INVALID_SESSION_TIMEOUT', false, 'The session timeout is outside the allowed range'],
  [27, 'REBALANCE_IN_PROGRESS', false, 'The group is rebalancing; rejoin'],
  [28, 'INVALID_COMMIT_OFFSET_SIZE', false, 'The committed offset metadata is too large'],
  [29, 'TOPIC_AUTHORIZATION_FAILED', false, 'Not authorized for the topic'],
  [30, 'GROUP_AUTHORIZATION_FAILED', false, 'Not authorized for the group'],
  [31, 'CLUSTER_AUTHORIZATION_FAILED', false, 'Not authorized for the cluster'],
  [32, 'INVALID_TIMESTAMP', false, 'The timestamp is outside the accepted range'],
  [33, 'UNSUPPORTED_SASL_MECHANISM', false, 'The SASL mechanism is not supported'],
  [34, 'ILLEGAL_SASL_STATE', false, 'The request is not valid in the SASL state'],
  [35, 'UNSUPPORTED_VERSION', false, 'The broker does not support this API version'],
  [36, 'TOPIC_ALREADY_EXISTS', false, 'The topic already exists'],
  [37, 'INVALID_PARTITIONS', false, 'The number of partitions is invalid'],
  [38, 'INVALID_REPLICATION_FACTOR', false, 'The replication factor is invalid'],
  [39, 'INVALID_REPLICA_ASSIGNMENT', false, 'The replica assignment is invalid'],
  [40, 'INVALID_CONFIG', false, 'The configuration is invalid'],
  [41, 'NOT_CONTROLLER', true, 'This broker is not the controller'],
  [42, 'INVALID_REQUEST', false, 'The request is malformed or not valid here'],
  [43, 'UNSUPPORTED_FOR_MESSAGE_FORMAT', false, 'The message format does not support this request'],
  [44, 'POLICY_VIOLATION', false, 'The request breaks a configured policy'],
  [45, 'OUT_OF_ORDER_SEQUENCE_NUMBER', false, 'The producer sequence number is out of order'],
  [46, 'DUPLICATE_SEQUENCE_NUMBER', false, 'The producer sequence number was already written'],
  [47, 'INVALID_PRODUCER_EPOCH', false, 'The producer epoch is older than the current one'],
  [48, 'INVALID_TXN_STATE', false, 'The transaction state does not allow this'],
  [49, 'INVALID_PRODUCER_ID_MAPPING', false, 'The producer id is not mapped to this transactional id'],
  [50, 'INVALID_TRANSACTION_TIMEOUT', false, 'The transaction timeout is invalid'],
  [51, 'CONCURRENT_TRANSACTIONS', true, 'Another transaction is in progress for this producer'],
  [52, 'TRANSACTION_COORDINATOR_FENCED', false, 'A newer transaction coordinator exists'],
  [53, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false, 'Not authorized for the transactional id'],
  [54, 'SECURITY_DISABLED', false, 'Security features are disabled'],
  [55, 'OPERATION_NOT_ATTEMPTED', false, 'The operation was not attempted'],
  [56, 'KAFKA_STORAGE_ERROR', true, 'The broker failed to read or write its log'],
  [57, 'LOG_DIR_NOT_FOUND', false, 'The log directory does not exist'],
  [58, 'SASL_AUTHENTICATION_FAILED', false, 'SASL authentication failed'],
  [59, 'UNKNOWN_PRODUCER_ID', false, 'The broker has no state for this producer id'],
  [60, 'REASSIGNMENT_IN_PROGRESS', false, 'A partition reassignment is in progress'],
  [61, 'DELEGATION_TOKEN_AUTH_DISABLED', false, 'Delegation tokens are disabled'],
  [62, 'DELEGATION_TOKEN_NOT_FOUND', false, 'The delegation token was not found'],
  [63, 'DELEGATION_TOKEN_OWNER_MISMATCH', false, 'The delegation token owner does not match'],
  [64, 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', false, 'Delegation token requests are not allowed here'],
  [65, 'DELEGATION_TOKEN_AUTHORIZATION_FAILED', false, 'Not authorized for the delegation token'],
  [66, 'DELEGATION_TOKEN_EXPIRED', false, 'The delegation token expired'],
  [67, 'INVALID_PRINCIPAL_TYPE', false, 'The principal type is not supported'],
  [68, 'NON_EMPTY_GROUP', false, 'The group still has members'],
  [69, 'GROUP_ID_NOT_FOUND', false, 'The group does not exist'],
  [70, 'FETCH_SESSION_ID_NOT_FOUND', true, 'The fetch session was not found'],
  [71, 'INVALID_FETCH_SESSION_EPOCH', true, 'The fetch session epoch is invalid'],
  [72, 'LISTENER_NOT_FOUND', true, 'No listener of that name'],
  [73, 'TOPIC_DELETION_DISABLED', false, 'Topic deletion is disabled'],
  [74, 'FENCED_LEADER_EPOCH', true, 'The leader epoch is older than the broker\'s'],
  [75, 'UNKNOWN_LEADER_EPOCH', true, 'The leader epoch is newer than the broker\'s'],
  [76, 'UNSUPPORTED_COMPRESSION_TYPE', false, 'The compression codec is not supported'],
  [77, 'STALE_BROKER_EPOCH', false, 'The broker epoch is stale'],
  [78, 'OFFSET_NOT_AVAILABLE', true, 'The offset is not available yet'],
  [79, 'MEMBER_ID_REQUIRED', false, 'Rejoin with the member id the coordinator assigned'],
  [80, 'PREFERRED_LEADER_NOT_AVAILABLE', true, 'The preferred leader is not available'],
  [81, 'GROUP_MAX_SIZE_REACHED', false, 'The group has reached its maximum size'],
  [82, 'FENCED_INSTANCE_ID', false, 'Another member with this group instance id joined'],
  [87, 'INVALID_RECORD', false, 'A record failed broker-side validation'],
  [100, 'UNKNOWN_TOPIC_ID', true, 'This server does not host this topic ID'],
];

const byCode = new Map<number, KafkaErrorInfo>();
const byType: Record<string, number> = {};
for (const [code, type, retriable, message] of table) {
  byCode.set(code, { code, type, retriable, message });
  byType[type] = code;
}

/** Looks up a Kafka error code; unknown codes get an UNKNOWN-shaped entry. */
export function kafkaError(code: number): KafkaErrorInfo {
  return byCode.get(code) ?? { code, type: 'KAFKAJS_UNKNOWN_ERROR_CODE', retriable: false, message: `Unknown error code ${code}` };
}

/** Numeric codes by name: `ErrorCode.NONE`, `ErrorCode.REBALANCE_IN_PROGRESS`, ... */
export const ErrorCode = {
  NONE: 0,
  UNKNOWN: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  GROUP_COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR_FOR_GROUP: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  KAFKA_STORAGE_ERROR: 56,
  UNKNOWN_PRODUCER_ID: 59,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  MEMBER_ID_REQUIRED: 79,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  INVALID_RECORD: 87,
  UNKNOWN_TOPIC_ID: 100,
} as const satisfies Record<string, number>;

for (const [name, code] of Object.entries(ErrorCode)) {
  if (byType[name] !== code) throw new Error(`ErrorCode.${name} disagrees with the error table`);
}
