/** An event as kafkajs delivers it to `on(...)` listeners. */
export interface InstrumentationEvent<T> {
  id: string;
  type: string;
  timestamp: number;
  payload: T;
}

export type RemoveInstrumentationEventListener<_T> = () => void;

export type ConnectEvent = InstrumentationEvent<null>;
export type DisconnectEvent = InstrumentationEvent<null>;

export interface RequestEventPayload {
  apiKey: number;
  apiName: string;
  apiVersion: number;
  broker: string;
  clientId: string;
  correlationId: number;
  createdAt: number;
  duration: number;
  pendingDuration: number;
  sentAt: number;
  size: number;
}
export type RequestEvent = InstrumentationEvent<RequestEventPayload>;
export type RequestTimeoutEvent = InstrumentationEvent<Omit<RequestEventPayload, 'duration' | 'size'>>;
export type RequestQueueSizeEvent = InstrumentationEvent<{ broker: string; clientId: string; queueSize: number }>;

/** The network events every client kind has, under its own prefix. */
export interface NetworkEventNames<P extends string> {
  REQUEST: `${P}.network.request`;
  REQUEST_TIMEOUT: `${P}.network.request_timeout`;
  REQUEST_QUEUE_SIZE: `${P}.network.request_queue_size`;
}
