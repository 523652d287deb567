import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';

import { base32Decode, base32Encode } from './base32.ts';

/** The first byte of an encoded public nkey: what kind of identity it is. */
export const NkeyPrefix = {
  operator: 14 << 3,
  account: 0,
  user: 20 << 3,
  server: 13 << 3,
} as const;

export type NkeyKind = keyof typeof NkeyPrefix;

const SEED_PREFIX = 18 << 3;
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * An Ed25519 nkey that signs with node:crypto. The nkeys package signs in pure JavaScript,
 * hundreds of times slower; the encodings here are the same, so either can read the other's
 * keys and verify the other's signatures.
 */
export class Nkey {
  readonly kind: NkeyKind;
  readonly publicKey: string;
  #privateKey: KeyObject | undefined;
  readonly #rawSeed: Buffer;

  private constructor(kind: NkeyKind, raw: RawKeyPair, privateKey?: KeyObject) {
    this.kind = kind;
    this.#rawSeed = raw.seed;
    this.#privateKey = privateKey;
    this.publicKey = encodeKey(Buffer.from([NkeyPrefix[kind]]), raw.publicKey);
  }

  /**
   * A new random key. The raw halves come out of DER exports: the JWK export is faster but
   * deadlocks Node 20 under garbage collection when a loader thread runs (as under tsx).
   */
  static create(kind: NkeyKind): Nkey {
    return Nkey.fromRaw(kind, generateRawKeyPairSync());
  }

  /** A key of the given kind from raw halves, such as a KeyPool hands out. */
  static fromRaw(kind: NkeyKind, raw: RawKeyPair): Nkey {
    return new Nkey(kind, raw);
  }

  static #fromRawSeed(kind: NkeyKind, rawSeed: Buffer): Nkey {
    const privateKey = importSeed(rawSeed);
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return new Nkey(
      kind,
      { seed: rawSeed, publicKey: spki.subarray(SPKI_ED25519.length) },
      privateKey,
    );
  }

  /** Reads an encoded seed (`SO…`, `SA…`, `SU…`). */
  static fromSeed(seed: string): Nkey {
    const raw = decodeChecked(seed);
    if (raw.length !== 34 || (raw[0]! & 0xf8) !== SEED_PREFIX) throw new Error('not an nkey seed');
    const prefix = ((raw[0]! & 0x07) << 5) | ((raw[1]! & 0xf8) >> 3);
    const kind = (Object.keys(NkeyPrefix) as NkeyKind[]).find((k) => NkeyPrefix[k] === prefix);
    if (!kind) throw new Error('unsupported nkey seed kind');
    return Nkey.#fromRawSeed(kind, Buffer.from(raw.subarray(2)));
  }

  /** The encoded seed. A secret: it belongs in the keystore or a creds file, nowhere else. */
  seed(): string {
    const prefix = NkeyPrefix[this.kind];
    const head = Buffer.from([SEED_PREFIX | (prefix >> 5), (prefix & 31) << 3]);
    return encodeKey(head, this.#rawSeed);
  }

  sign(data: Uint8Array): Buffer {
    // Imported on first use: most keys (every NATS user's) never sign anything in Tower.
    this.#privateKey ??= importSeed(this.#rawSeed);
    return cryptoSign(null, data, this.#privateKey);
  }
}

/** The two 32-byte halves of an Ed25519 key pair. */
export interface RawKeyPair {
  seed: Buffer;
  publicKey: Buffer;
}

/** Splits DER-encoded Ed25519 keys into their raw 32-byte halves. */
export function rawFromDer(pkcs8: Buffer, spki: Buffer): RawKeyPair {
  return {
    seed: Buffer.from(pkcs8.subarray(PKCS8_ED25519.length)),
    publicKey: Buffer.from(spki.subarray(SPKI_ED25519.length)),
  };
}

function generateRawKeyPairSync(): RawKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { format: 'der', type: 'pkcs8' },
    publicKeyEncoding: { format: 'der', type: 'spki' },
  });
  return rawFromDer(privateKey, publicKey);
}

function importSeed(rawSeed: Buffer): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, rawSeed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** Verifies an Ed25519 signature against an encoded public nkey. */
export function verifyWithPublicKey(publicKey: string, data: Uint8Array, signature: Uint8Array) {
  const raw = decodeChecked(publicKey);
  if (raw.length !== 33) return false;
  const key = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, raw.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  return cryptoVerify(null, data, key, signature);
}

/** Whether a string is a well-formed public nkey of the given kind. */
export function isPublicKey(value: string, kind: NkeyKind): boolean {
  try {
    const raw = decodeChecked(value);
    return raw.length === 33 && raw[0] === NkeyPrefix[kind];
  } catch {
    return false;
  }
}

function encodeKey(head: Buffer, body: Buffer): string {
  const raw = Buffer.concat([head, body]);
  const checksum = Buffer.alloc(2);
  checksum.writeUInt16LE(crc16(raw));
  return base32Encode(Buffer.concat([raw, checksum]));
}

function decodeChecked(text: string): Buffer {
  const raw = base32Decode(text);
  if (raw.length < 3) throw new Error('nkey too short');
  const body = raw.subarray(0, raw.length - 2);
  if (raw.readUInt16LE(raw.length - 2) !== crc16(body)) throw new Error('nkey checksum mismatch');
  return body;
}

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** CRC-16/XMODEM, the checksum nkeys append. */
function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}
