import { CompressionCodec, BatchAttributes, BatchLayout, ErrorCode, decodeRecordBatches } from '@peak/protocol';
import {
  API_DEFINITIONS,
  ApiDefinition,
  ApiKey,
  ApiVersionsRequest,
  ByteReader,
  FIXED_HEADER_SIZE,
  JoinGroupWireRequest,
  readRequestHeader,
  validateRecordSet,
} from '@peak/wire';
import { FetchRequest, MetadataRequest, ProduceRequest } from '@peak/protocol';
import { CapturedFrame, loadFixtures } from './support/fixtures';

/**
 * Decodes request frames captured from real clients (see test/capture/capture-fixtures.ts):
 * kafkajs 2.2.4 and kcat 1.7.1 / librdkafka 2.0.2. Every frame must parse with our
 * decoder for its version and consume exactly its bytes.
 */
const definitions = new Map<number, ApiDefinition<unknown, unknown>>(API_DEFINITIONS.map((d) => [d.apiKey, d]));

function decode<T>(frame: CapturedFrame): { clientId: string | null; request: T; leftover: number } {
  const definition = definitions.get(frame.apiKey);
  if (!definition) throw new Error(`no definition for key ${frame.apiKey}`);
  const reader = new ByteReader(Buffer.from(frame.hex, 'hex'));
  const flexible = frame.apiVersion >= (definition.firstFlexibleVersion ?? Infinity);
  const header = readRequestHeader(reader, flexible);
  const request = definition.decodeRequest(reader, frame.apiVersion) as T;
  return { clientId: header.clientId, request, leftover: reader.remaining };
}

function framesOf(all: CapturedFrame[], apiKey: number): CapturedFrame[] {
  return all.filter((f) => f.apiKey === apiKey);
}

describe.each([
  ['kafkajs-requests.json', 'fixture-kafkajs'],
  ['kcat-requests.json', 'fixture-kcat'],
])('captured %s', (file, clientId) => {
  const frames = loadFixtures(file);

  it('holds frames for the client', () => {
    expect(frames.length).toBeGreaterThan(10);
  });

  it.each(frames.map((f) => [`${f.apiKey} v${f.apiVersion}`, f] as const))('decodes %s exactly', (_name, frame) => {
    const definition = definitions.get(frame.apiKey);
    expect(definition).toBeDefined();
    expect(frame.apiVersion).toBeGreaterThanOrEqual(definition!.minVersion);
    expect(frame.apiVersion).toBeLessThanOrEqual(definition!.maxVersion);
    expect(Buffer.from(frame.hex, 'hex').length).toBeGreaterThan(FIXED_HEADER_SIZE);
    const decoded = decode(frame);
    expect(decoded.clientId).toBe(clientId);
    expect(decoded.leftover).toBe(0);
  });

  it('carries produced batches that pass CRC-32C validation and decode to the sent values', () => {
    const produce = framesOf(frames, ApiKey.Produce);
    expect(produce.length).toBeGreaterThan(0);
    const values: string[] = [];
    for (const frame of produce) {
      const { request } = decode<ProduceRequest>(frame);
      for (const t of request.topics) {
        for (const p of t.partitions) {
          expect(validateRecordSet(p.records)).toBe(ErrorCode.NONE);
          for (const batch of decodeRecordBatches(p.records)) values.push(...batch.records.map((r) => r.value!.toString()));
        }
      }
    }
    expect(values.length).toBeGreaterThan(0);
    const expected = clientId === 'fixture-kafkajs' ? 'v1' : 'value1';
    expect(values).toContain(expected);
  });

  it('asks Fetch for explicit partitions with a long poll', () => {
    const [frame] = framesOf(frames, ApiKey.Fetch);
    const { request } = decode<FetchRequest>(frame);
    expect(request.maxWaitMs).toBeGreaterThan(0);
    expect(request.topics.length).toBeGreaterThan(0);
    expect(request.topics[0].partitions[0].fetchOffset).toBeGreaterThanOrEqual(0);
  });
});

describe('kafkajs specifics', () => {
  const frames = loadFixtures('kafkajs-requests.json');

  it('negotiates with ApiVersions v2 and picks its own maxima', () => {
    const versions = new Map(frames.map((f) => [f.apiKey, f.apiVersion]));
    expect(versions.get(ApiKey.ApiVersions)).toBe(2);
    expect(versions.get(ApiKey.Produce)).toBe(7);
    expect(versions.get(ApiKey.Fetch)).toBe(11);
    expect(versions.get(ApiKey.Metadata)).toBe(6);
    expect(versions.get(ApiKey.JoinGroup)).toBe(5);
  });

  it('sends a gzip batch and an acks=0 produce', () => {
    const produce = framesOf(frames, ApiKey.Produce).map((f) => decode<ProduceRequest>(f).request);
    const codecs = produce.flatMap((r) =>
      r.topics.flatMap((t) => t.partitions.map((p) => p.records.readInt16BE(BatchLayout.ATTRIBUTES) & BatchAttributes.COMPRESSION_MASK)),
    );
    expect(codecs).toContain(CompressionCodec.GZIP);
    expect(produce.map((r) => r.acks)).toEqual(expect.arrayContaining([-1, 0]));
  });

  it('joins with an empty member id first (v4+ MEMBER_ID_REQUIRED flow), then with the assigned one', () => {
    const joins = framesOf(frames, ApiKey.JoinGroup).map((f) => decode<JoinGroupWireRequest>(f).request);
    expect(joins[0].memberId).toBe('');
    expect(joins[0].requireKnownMemberId).toBe(true);
    expect(joins[0].protocolType).toBe('consumer');
    expect(joins[1].memberId).not.toBe('');
  });
});

describe('kcat (librdkafka 2.0.2) specifics', () => {
  const frames = loadFixtures('kcat-requests.json');

  it('opens with a flexible ApiVersions v3 naming its software', () => {
    const [frame] = framesOf(frames, ApiKey.ApiVersions);
    expect(frame.apiVersion).toBe(3);
    const { request } = decode<ApiVersionsRequest>(frame);
    expect(request.clientSoftwareName).toBe('librdkafka');
    expect(request.clientSoftwareVersion).toMatch(/^2\.0\.2/);
  });

  it('asks Metadata for all topics with -L', () => {
    const metadata = framesOf(frames, ApiKey.Metadata).map((f) => decode<MetadataRequest>(f).request);
    expect(metadata.some((m) => m.topics === null)).toBe(true);
  });
});
