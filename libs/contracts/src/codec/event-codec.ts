import * as protobuf from 'protobufjs';
import { ORDER_EVENTS_PROTO } from '../schemas/order-events.proto';
import { Topics, TopicName } from '../topics/topics.constants';
import {
  AuthCheckedEvent,
  CourseCheckedEvent,
  OrderCreatedEvent,
  OrderStatusEvent,
  PaymentCompletedEvent,
  PaymentRequestedEvent,
  SeatConfirmedEvent,
} from '../events/order-events.types';
import {
  CONTENT_TYPE_HEADER,
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPE_HEADER,
  PROTOBUF_CONTENT_TYPE,
  SCHEMA_VERSION_HEADER,
  SUPPORTED_SCHEMA_VERSIONS,
} from '../headers/headers.constants';
import { EventDecodeError, UnknownTopicError, UnsupportedSchemaVersionError } from '../errors/contract.errors';
import { encodeOrderCreated } from './order-created.encoder';

/** Which payload type travels on which topic. */
export interface EventMap {
  [Topics.OrderCreated]: OrderCreatedEvent;
  [Topics.AuthChecked]: AuthCheckedEvent;
  [Topics.CourseChecked]: CourseCheckedEvent;
  [Topics.PaymentRequested]: PaymentRequestedEvent;
  [Topics.PaymentCompleted]: PaymentCompletedEvent;
  [Topics.OrderStatus]: OrderStatusEvent;
  [Topics.SeatConfirmed]: SeatConfirmedEvent;
}

const MESSAGE_TYPE_BY_TOPIC: Record<TopicName, string> = {
  [Topics.OrderCreated]: 'OrderCreated',
  [Topics.AuthChecked]: 'AuthChecked',
  [Topics.CourseChecked]: 'CourseChecked',
  [Topics.PaymentRequested]: 'PaymentRequested',
  [Topics.PaymentCompleted]: 'PaymentCompleted',
  [Topics.OrderStatus]: 'OrderStatusChanged',
  [Topics.SeatConfirmed]: 'SeatConfirmed',
};

const PACKAGE = 'peak.orders.v1';
/** Enum value names that mean "not set"; they decode to ''. */
const UNSPECIFIED_SUFFIX = '_UNSPECIFIED';
const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = { enums: String, longs: Number, defaults: true };

const root = protobuf.parse(ORDER_EVENTS_PROTO).root;
const typeCache = new Map<string, protobuf.Type>();

function typeForTopic(topic: string): protobuf.Type {
  const cached = typeCache.get(topic);
  if (cached) return cached;
  const name = MESSAGE_TYPE_BY_TOPIC[topic as TopicName];
  if (!name) throw new UnknownTopicError(topic);
  const type = root.lookupType(`${PACKAGE}.${name}`);
  typeCache.set(topic, type);
  return type;
}

/** Replaces `*_UNSPECIFIED` enum names with '' throughout a decoded object. */
function blankUnspecified(value: unknown): unknown {
  if (typeof value === 'string') return value.endsWith(UNSPECIFIED_SUFFIX) ? '' : value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = blankUnspecified(obj[key]);
  }
  return value;
}

/**
 * Encodes an event for `topic` as protobuf bytes. OrderCreated, encoded once per order at
 * intake, goes through a hand-written encoder (same bytes); the others through protobufjs.
 * Pure; safe to call concurrently.
 */
export function encodeEvent<T extends TopicName>(topic: T, event: EventMap[T]): Buffer {
  if (topic === Topics.OrderCreated) return encodeOrderCreated(event as OrderCreatedEvent);
  const type = typeForTopic(topic);
  const message = type.fromObject(event as unknown as Record<string, unknown>);
  return Buffer.from(type.encode(message).finish());
}

/** The headers every event on `topic` carries (schema version, type, content type). */
export function eventHeaders(topic: TopicName): Record<string, string> {
  return {
    [SCHEMA_VERSION_HEADER]: String(CURRENT_SCHEMA_VERSION),
    [EVENT_TYPE_HEADER]: `${PACKAGE}.${MESSAGE_TYPE_BY_TOPIC[topic]}`,
    [CONTENT_TYPE_HEADER]: PROTOBUF_CONTENT_TYPE,
  };
}

type HeaderValue = Buffer | string | Array<Buffer | string> | undefined;

function headerString(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * Decodes an event of `topic`. Throws UnsupportedSchemaVersionError when the
 * `schema-version` header is missing or unknown, EventDecodeError when the bytes are not
 * the schema's message. Both are permanent: the message belongs in the DLQ.
 */
export function decodeEvent<T extends TopicName>(
  topic: T,
  value: Buffer | null,
  headers: Record<string, HeaderValue> | undefined,
): EventMap[T] {
  const version = headerString(headers?.[SCHEMA_VERSION_HEADER]);
  if (version === undefined || !SUPPORTED_SCHEMA_VERSIONS.includes(Number(version))) {
    throw new UnsupportedSchemaVersionError(topic, version);
  }
  if (!value) throw new EventDecodeError(topic, new Error('empty value'));
  const type = typeForTopic(topic);
  try {
    const message = type.decode(value);
    return blankUnspecified(type.toObject(message, TO_OBJECT_OPTIONS)) as EventMap[T];
  } catch (err) {
    throw new EventDecodeError(topic, err);
  }
}
