/**
 * Everything the signer builds from plain inputs: JWTs for operators, accounts, the system
 * account and users, the account-deletion request, creds files, CLI contexts and server
 * configuration. Each concept lives in its own file; this module gathers them.
 */
export {
  signJwt,
  decodeJwt,
  jwtId,
  type ClaimType,
  type DecodedJwt,
  type JwtClaims,
} from './jwt.ts';
export { signOperatorJwt, operatorServiceUrls, type OperatorJwtInput } from './operator-jwt.ts';
export {
  signAccountJwt,
  signAccountWithExports,
  limitsClaim,
  type AccountJwtInput,
  type ExportClaim,
  type LimitsClaim,
} from './account-jwt.ts';
export {
  signSystemAccountJwt,
  SYSTEM_ACCOUNT_EXPORTS,
  SYSTEM_ACCOUNT_LIMITS,
  type SystemAccountJwtInput,
} from './system-account-jwt.ts';
export { signUserJwt, permissionsClaim, type UserJwtInput } from './user-jwt.ts';
export { signAccountDeletionJwt, type AccountDeletionInput } from './account-deletion-jwt.ts';
export { formatCreds, parseCreds } from './creds-file.ts';
export { natsContext, type NatsContext, type NatsContextInput } from './nats-context.ts';
export {
  renderOperatorConf,
  renderServerConfig,
  type ClusterOptions,
  type OperatorConfInput,
  type ServerConfigOptions,
} from './server-config.ts';
