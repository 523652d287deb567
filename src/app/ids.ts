import { randomPublicBytes } from '../store/random-pool.ts';

/** Base32 digits in ASCII order, so that ids compare as text in the order they were made. */
const DIGITS = '234567abcdefghijklmnopqrstuvwxyz';
const TIME_DIGITS = 10;
const RANDOM_DIGITS = 6;
const RANDOM_SPACE = 32 ** RANDOM_DIGITS;

let lastMs = 0;
let lastRandom = 0;

/**
 * A 16-character id: 10 base32 digits of the creation time in milliseconds, then 6 of random
 * (30 bits). Ids made later sort after earlier ones, so the read models' primary keys and the
 * log's stream index grow at their right edge instead of touching a random page per insert.
 * Within one millisecond the random part counts up, so ids this process makes never repeat.
 *
 * @example
 * newId(); // '2uj6xma9kq4rvbzd'
 */
export function newId(now = Date.now()): string {
  let random: number;
  if (now <= lastMs) {
    random = lastRandom + 1;
    if (random >= RANDOM_SPACE) {
      random = 0;
      lastMs += 1;
    }
    now = lastMs;
  } else {
    random = randomInt30();
    lastMs = now;
  }
  lastRandom = random;
  return base32(now, TIME_DIGITS) + base32(random, RANDOM_DIGITS);
}

/**
 * A time-ordered UUID (version 7, RFC 9562) for commands that came without an id of their
 * own, so that the command ledger's key grows in order too.
 */
export function newCommandId(now = Date.now()): string {
  const bytes = randomPublicBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function randomInt30(): number {
  return randomPublicBytes(4).readUInt32BE(0) >>> 2;
}

function base32(value: number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) {
    out = DIGITS[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  return out;
}
