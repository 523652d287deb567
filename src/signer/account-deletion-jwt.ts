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
 * equals subject) by an operator key the servers trust, listing the accounts to delete.
 * nats-server accepts the identity key or any signing key of the operator; it refuses to
 * delete the system account.
 */
export function signAccountDeletionJwt(input: AccountDeletionInput, operatorKey: Nkey): string {
  requireSigner(operatorKey, 'operator', 'operator key');
  const accounts = requirePublicKeys(input.accountIds, 'account', 'accountIds');

  const claims = { subject: operatorKey.publicKey, name: 'delete accounts', nats: { accounts } };
  return signJwt({ type: 'generic', ...claims, issuedAt: input.issuedAt }, operatorKey);
}
