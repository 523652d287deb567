import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The stored columns of an event that its hash covers. */
export interface HashedColumns {
  seq: number;
  event_id: string;
  stream_type: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  prev_hash: string;
}

/**
 * SHA-256 over every column of the row and the previous event's hash. The data and metadata
 * columns already hold canonical JSON, so the stored text is hashed as it is; an edited,
 * deleted, inserted or reordered row breaks the chain.
 */
export function hashEvent(row: HashedColumns): string {
  return createHash('sha256')
    .update(
      [
        row.prev_hash,
        row.seq,
        row.event_id,
        row.stream_type,
        row.stream_id,
        row.version,
        row.type,
        row.schema_version,
        row.data,
        row.metadata,
      ].join('\n'),
    )
    .digest('hex');
}
