/** Constants several flexible-version APIs write. */

/** The all-zero UUID: Kafka's "no topic ID". */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** INT32_MIN: authorized operations were not requested / not computed. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * The leader epoch every partition of this single broker has: leadership never moves, so
 * the epoch never changes. Served in Metadata v7+, ListOffsets v4+ and OffsetForLeaderEpoch,
 * and accepted as the current epoch in Fetch v9+ and ListOffsets v4+.
 */
export const PARTITION_LEADER_EPOCH = 0;

/** A client's "I do not know the leader epoch" (skip the fencing check). */
export const NO_LEADER_EPOCH = -1;
