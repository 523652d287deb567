import { requirePublicKeys, requireSigner } from './key-checks.ts';
import { signJwt } from './jwt.ts';
import type { Nkey } from './nkey.ts';

export interface AccountDeletionInput {
  /** Public keys of the accounts to remove from the resolver. */
  accountIds: readonly string[];
  /** Unix seconds. */
  issuedAt: number;
}

/**
 * Signs the request body for `$SYS.REQ.CLAIMS.DELETE`: a generic claim, self-signed (issuer
 * equals subject) by an operator key, listing the accounts to delete. Use a signing key:
 * nats-server 2.9 accepts any operator signing key, but the identity key only when the
 * operator does not require signing keys. It never deletes the system account.
 */
export function signAccountDeletionJwt(input: AccountDeletionInput, operatorKey: Nkey): string {
  requireSigner(operatorKey, 'operator', 'operator key');
  const accounts = requirePublicKeys(input.accountIds, 'account', 'accountIds');

  const claims = { subject: operatorKey.publicKey, name: 'delete accounts', nats: { accounts } };
  return signJwt({ type: 'generic', ...claims, issuedAt: input.issuedAt }, operatorKey);
}
