/**
 * The buyer token shared by auth (issues it at login) and order-service (verifies it at
 * intake, once per order: signature, `exp` required and in the future, `sub` a sane id): an
 * HS256 JWT signed with JWT_SECRET. Events carry the verified subject and expiry, never the token.
 */
export interface BuyerTokenClaims {
  /** The user id. */
  sub: string;
  username: string;
  /** Seconds since the epoch. Required by intake (a token without it is refused); optional here only because it is what a token may carry. */
  exp?: number;
  iat?: number;
}

export const TOKEN_ALGORITHM = 'HS256';
