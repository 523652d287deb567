import { requirePublicKey, requirePublicKeys, requireSigner } from './key-checks.ts';
import { signJwt } from './jwt.ts';
import type { Nkey } from './nkey.ts';

export interface OperatorJwtInput {
  name: string;
  /** Public operator keys that may sign accounts. */
  signingKeys: readonly string[];
  systemAccountId: string;
  /** The installation's URLs; only nats:// and tls:// ones are kept for tools to connect to. */
  urls: readonly string[];
  /** Unix seconds. */
  issuedAt: number;
  /**
   * Whether nats-server refuses accounts signed by the identity key itself (default true), so
   * the identity key can stay offline and only signing keys are ever in use.
   */
  strictSigningKeys?: boolean;
}

const SERVICE_URL_SCHEMES = new Set(['nats:', 'tls:']);

/**
 * Signs the operator JWT with the operator's identity key: a self-signed root of trust that
 * lists the signing keys, the system account and the URLs tools use to reach the servers.
 */
export function signOperatorJwt(input: OperatorJwtInput, identityKey: Nkey): string {
  requireSigner(identityKey, 'operator', 'operator identity key');
  const signingKeys = requirePublicKeys(input.signingKeys, 'operator', 'signingKeys');
  const systemAccount = requirePublicKey(input.systemAccountId, 'account', 'systemAccountId');
  const serviceUrls = operatorServiceUrls(input.urls);

  const nats = {
    signing_keys: signingKeys,
    ...(serviceUrls.length > 0 ? { operator_service_urls: serviceUrls } : {}),
    system_account: systemAccount,
    ...(input.strictSigningKeys === false ? {} : { strict_signing_key_usage: true }),
  };
  const claims = { type: 'operator' as const, subject: identityKey.publicKey, nats };
  return signJwt({ ...claims, name: input.name, issuedAt: input.issuedAt }, identityKey);
}

/**
 * The URLs an operator JWT may list. nats-server accepts only nats:// and tls:// URLs there,
 * without credentials and without a path; WebSocket and other URLs are dropped, a lone
 * trailing slash is removed, and duplicates are kept once.
 *
 * @example operatorServiceUrls(['nats://a:4222/', 'wss://a:443']) // ['nats://a:4222']
 */
export function operatorServiceUrls(urls: readonly string[]): string[] {
  const kept = urls.map(serviceUrl).filter((url): url is string => url !== undefined);
  return [...new Set(kept)];
}

function serviceUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (!SERVICE_URL_SCHEMES.has(url.protocol) || url.host === '') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.pathname !== '' && url.pathname !== '/') return undefined;
  if (url.search !== '' || url.hash !== '') return undefined;
  return `${url.protocol}//${url.host}`;
}
