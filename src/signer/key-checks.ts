import { TowerError } from '../errors/index.ts';
import { isPublicKey, type Nkey, type NkeyKind } from './nkey.ts';

/** Returns the key when it is a public nkey of the kind; a TowerError names the field if not. */
export function requirePublicKey(value: string, kind: NkeyKind, field: string): string {
  if (!isPublicKey(value, kind)) {
    throw new TowerError('invalid_input', `${field} must be a public ${kind} nkey`, { field });
  }
  return value;
}

/** Checks each key of a list, naming the position of the first bad one. */
export function requirePublicKeys(values: readonly string[], kind: NkeyKind, field: string) {
  return values.map((value, index) => requirePublicKey(value, kind, `${field}.${index}`));
}

/** A signer of the wrong kind is a bug in the caller, never a user's mistake. */
export function requireSigner(key: Nkey, kind: NkeyKind, role: string): Nkey {
  if (key.kind !== kind) {
    throw new TowerError('internal', `The ${role} must be a ${kind} key, not a ${key.kind} key`, {
      context: { role, publicKey: key.publicKey },
    });
  }
  return key;
}
