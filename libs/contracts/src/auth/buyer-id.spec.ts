import { buyerIdProblem, MAX_BUYER_ID_LENGTH } from './buyer-id';

describe(buyerIdProblem.name, () => {
  it('accepts ordinary ids up to the bound, unicode included', () => {
    for (const id of ['u-alice', 'b-17', '0b6c4f1e-8d1f-4c8e-9a57-1f3f2a9b7c11', 'ünï@example.org', 'x'.repeat(MAX_BUYER_ID_LENGTH)]) {
      expect(buyerIdProblem(id)).toBeNull();
    }
  });

  it('names what is wrong with an empty, absurdly long, control-character or non-string id', () => {
    expect(buyerIdProblem('')).toMatch(/empty/);
    expect(buyerIdProblem(undefined)).toMatch(/missing/);
    expect(buyerIdProblem(42)).toMatch(/missing/);
    expect(buyerIdProblem('x'.repeat(MAX_BUYER_ID_LENGTH + 1))).toMatch(new RegExp(`longer than ${MAX_BUYER_ID_LENGTH}`));
    expect(buyerIdProblem('x'.repeat(8_000))).toMatch(/longer than/);
    expect(buyerIdProblem('a\u0000b')).toMatch(/control character/);
    expect(buyerIdProblem('a\nb')).toMatch(/control character/);
  });
});
