import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

/**
 * Random bytes for values that are not secrets (AES-GCM nonces, ids), drawn from a buffer that
 * node:crypto refills 4 KiB at a time: each small randomFillSync call costs several
 * microseconds of overhead, which a command paid three times. Every byte is handed out once.
 * Keys, session ids and token secrets come from node:crypto directly, never from here.
 */
export function randomPublicBytes(size: number): Buffer {
  if (size > POOL.length) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
