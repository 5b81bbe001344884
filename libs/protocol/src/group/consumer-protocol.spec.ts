import { AssignerProtocol } from 'kafkajs';
import { ConsumerProtocolDecodeError, MemberAssignment, MemberMetadata } from './consumer-protocol';

describe('ConsumerProtocol', () => {
  describe('MemberMetadata', () => {
    const cases = [
      { version: 0, topics: ['orders', 'payments'], userData: Buffer.alloc(0) },
      { version: 1, topics: [], userData: Buffer.from('hello') },
      { version: 0, topics: ['ünïcødé-topic'], userData: Buffer.from([0, 1, 2, 255]) },
    ];

    it.each(cases)('encodes the same bytes as kafkajs (%#)', value => {
      expect(MemberMetadata.encode(value)).toEqual(AssignerProtocol.MemberMetadata.encode(value));
    });

    it.each(cases)('decodes what kafkajs encodes (%#)', value => {
      expect(MemberMetadata.decode(AssignerProtocol.MemberMetadata.encode(value))).toEqual(value);
    });

    it('matches hand-written bytes', () => {
      const bytes = MemberMetadata.encode({ version: 0, topics: ['ab'] });
      expect(bytes.toString('hex')).toBe('0000' + '00000001' + '0002' + '6162' + '00000000');
    });

    it('ignores fields a newer version appends', () => {
      const v1 = Buffer.concat([MemberMetadata.encode({ version: 1, topics: ['t'] }), Buffer.from([0, 0, 0, 0])]);
      expect(MemberMetadata.decode(v1)).toEqual({ version: 1, topics: ['t'], userData: Buffer.alloc(0) });
    });

    it('rejects a truncated payload', () => {
      const bytes = MemberMetadata.encode({ version: 0, topics: ['orders'] });
      expect(() => MemberMetadata.decode(bytes.subarray(0, 9))).toThrow(ConsumerProtocolDecodeError);
    });
  });

  describe('MemberAssignment', () => {
    const cases: Array<{ version: number; assignment: Record<string, number[]>; userData: Buffer }> = [
      { version: 0, assignment: { orders: [0, 2, 4], payments: [1] }, userData: Buffer.alloc(0) },
      { version: 0, assignment: {}, userData: Buffer.from('x') },
    ];

    it.each(cases)('encodes the same bytes as kafkajs (%#)', value => {
      expect(MemberAssignment.encode(value)).toEqual(AssignerProtocol.MemberAssignment.encode(value));
    });

    it.each(cases)('decodes what kafkajs encodes (%#)', value => {
      const decoded = MemberAssignment.decode(AssignerProtocol.MemberAssignment.encode(value));
      expect(decoded).not.toBeNull();
      expect({ ...decoded!, assignment: { ...decoded!.assignment } }).toEqual(value);
    });

    it('kafkajs decodes what we encode', () => {
      const bytes = MemberAssignment.encode({ version: 0, assignment: { t: [3, 1] } });
      expect(AssignerProtocol.MemberAssignment.decode(bytes)).toEqual({
        version: 0,
        assignment: { t: [3, 1] },
        userData: Buffer.alloc(0),
      });
    });

    it('decodes an empty buffer as null, like kafkajs', () => {
      expect(MemberAssignment.decode(Buffer.alloc(0))).toBeNull();
      expect(AssignerProtocol.MemberAssignment.decode(Buffer.alloc(0))).toBeNull();
    });

    it('rejects an array count larger than the payload', () => {
      const bytes = Buffer.from('0000' + '7fffffff', 'hex');
      expect(() => MemberAssignment.decode(bytes)).toThrow(ConsumerProtocolDecodeError);
    });
  });
});
