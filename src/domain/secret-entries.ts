/**
 * Names of keystore entries. The keystore is outside the domain, but commands say which
 * entries they write or remove, so the names live here for both sides to share.
 */
export const secretEntry = {
  /** The nkey seed of a public key Tower created. */
  seed: (publicKey: string) => `nkey:${publicKey}`,
  /** The scrypt hash of a Tower user's password. */
  password: (userId: string) => `password:${userId}`,
  /** The SHA-256 of an API token's secret part; the secret itself is shown once and kept nowhere. */
  token: (tokenId: string) => `token:${tokenId}`,
};
