import { murmur2, toPositive } from './murmur2';
import { createDefaultPartitioner } from './default-partitioner';

describe('murmur2', () => {
  // Vectors from Kafka's own test of Utils.murmur2 (Java client).
  const javaVectors: Array<[string | number[], number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    [[0x61, 0x62, 0x63], 479470107],
  ];

  it.each(javaVectors)('hashes %j like the Java client', (input, expected) => {
    const data = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
    expect(murmur2(data)).toBe(expected);
  });

  it('agrees with kafkajs on random keys of every length remainder', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (k: Buffer) => number;
    for (let i = 0; i < 2000; i++) {
      const key = Buffer.from(Array.from({ length: i % 37 }, (_, j) => (i * 31 + j * 7) & 0xff));
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
  });

  it('toPositive clears the sign bit instead of negating', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
  });
});

describe('default partitioner', () => {
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId }));

  it('sends a key to the partition Kafka picks (toPositive(murmur2) % n)', () => {
    const partitioner = createDefaultPartitioner();
    // Known answers: keys of the order pipeline's shape land here on a 6-partition topic in Kafka.
    const expected = toPositive(-790332482) % 6;
    expect(partitioner({ topic: 't', partitionMetadata, message: { key: 'foobar' } })).toBe(expected);
    expect(partitioner({ topic: 't', partitionMetadata, message: { key: Buffer.from('foobar') } })).toBe(expected);
  });

  it('spreads keyless messages round-robin over every partition', () => {
    const partitioner = createDefaultPartitioner();
    const seen = Array.from({ length: 12 }, () => partitioner({ topic: 't', partitionMetadata, message: {} }));
    expect(new Set(seen.slice(0, 6)).size).toBe(6);
    expect(seen.slice(6)).toEqual(seen.slice(0, 6));
  });
});
