import { EventDecodeError, UnsupportedSchemaVersionError } from '@peak/contracts';
import { QueryFailedError } from 'typeorm';
import { NonRetriableError, PublisherClosedError } from '../errors/messaging.errors';
import { classifyFailure, isTransientError } from './failure-classifier';

const pgError = (code: string, message = `pg error ${code}`) => Object.assign(new Error(message), { code, severity: 'ERROR' });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe(classifyFailure.name, () => {
  it.each([
    ['admin shutdown (terminated by administrator)', pgError('57P01')],
    ['crash shutdown', pgError('57P02')],
    ['cannot connect now (starting up / shutting down)', pgError('57P03')],
    ['connection exception class 08', pgError('08006')],
    ['connection does not exist', pgError('08003')],
    ['too many connections', pgError('53300')],
    ['statement timeout (query canceled)', pgError('57014', 'canceling statement due to statement timeout')],
    ['lock timeout', pgError('55P03', 'canceling statement due to lock timeout')],
    ['idle in transaction timeout', pgError('25P03')],
    ['serialization failure', pgError('40001')],
    ['deadlock', pgError('40P01')],
    ['database not accepting connections', pgError('55000', 'database "x" is not currently accepting connections')],
    ['connection refused', systemError('ECONNREFUSED')],
    ['connection reset', systemError('ECONNRESET')],
    ['socket timeout', systemError('ETIMEDOUT')],
    ['broken pipe', systemError('EPIPE')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connection timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: timeout acquiring a client', new Error('timeout exceeded when trying to connect')],
    ['pg: client not queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['the publisher closed (shutdown)', new PublisherClosedError()],
    ['kafkajs: broker connection', Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true })],
    ['kafkajs: retries exhausted', Object.assign(new Error('retries exhausted'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false })],
    ['kafkajs: a retriable protocol error', Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError', type: 'LEADER_NOT_AVAILABLE', retriable: true })],
  ])('%s is transient', (_label, err) => {
    expect(classifyFailure(err)).toMatchObject({ class: 'transient', immediate: false });
    expect(isTransientError(err)).toBe(true);
  });

  it('sees the driver error inside a TypeORM QueryFailedError', () => {
    const err = new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command'));
    expect(classifyFailure(err)).toEqual({ class: 'transient', immediate: false, reason: 'postgres 57P01' });
  });

  it('follows `cause` and AggregateError (connection refused on every address)', () => {
    expect(isTransientError(new Error('flush failed', { cause: systemError('ECONNRESET') }))).toBe(true);
    expect(isTransientError(new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]))).toBe(true);
  });

  it.each([
    ['value too long for a field', pgError('22001', 'value too long for type character varying(64)'), 'data 22001'],
    ['a check constraint', pgError('23514', 'new row violates check constraint'), 'data 23514'],
    ['an unexpected unique violation', pgError('23505', 'duplicate key value violates unique constraint'), 'data 23505'],
    ['invalid byte sequence (NUL)', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'data 22021'],
    ['index row too large', pgError('54000', 'index row size 8016 exceeds maximum 2712'), 'postgres 54000'],
    ['a syntax error', pgError('42601'), 'postgres 42601'],
    ['an unknown error', new Error('something odd'), 'Error'],
    ['a Node error that is not about the connection', Object.assign(new Error('bad file descriptor'), { code: 'EBADF' }), 'Error'],
  ])('%s is permanent after the retries', (_label, err, reason) => {
    expect(classifyFailure(err)).toEqual({ class: 'permanent', immediate: false, reason });
  });

  it('judges a coded database error by its code, not by words in its message', () => {
    expect(isTransientError(pgError('23514', 'check constraint "connection timeout" violated'))).toBe(false);
  });

  it.each([
    ['a decode error', new EventDecodeError('orders.created', new Error('bad wire type'))],
    ['an unknown schema version', new UnsupportedSchemaVersionError('orders.created', '9')],
    ['NonRetriableError', new NonRetriableError('broken invariant')],
  ])('%s is permanent at once', (_label, err) => {
    expect(classifyFailure(err)).toMatchObject({ class: 'permanent', immediate: true });
  });

  it('never throws on odd values', () => {
    for (const odd of [undefined, null, 'text', 42, {}, { code: 7 }, Object.create(null)]) {
      expect(classifyFailure(odd).class).toBe('permanent');
    }
  });
});
