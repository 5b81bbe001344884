/**
 * The buyer token shared by auth (issues and checks it) and order-service (reads the buyer
 * from it to scope idempotency keys): an HS256 JWT signed with JWT_SECRET.
 */
export interface BuyerTokenClaims {
  /** The user id. */
  sub: string;
  username: string;
  /** Seconds since the epoch. */
  exp?: number;
  iat?: number;
}

export const TOKEN_ALGORITHM = 'HS256';
/** Prefix of a buyer id derived from a token that does not verify (auth will reject the order). */
export const UNVERIFIED_BUYER_PREFIX = 'token:';
