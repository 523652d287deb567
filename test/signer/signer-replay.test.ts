import fc from 'fast-check';
import { decode } from '@nats-io/jwt';
import { fromPublic } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/app/replay.ts';
import { runSteps, stepArbitrary } from '../helpers/random-commands.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

interface JwtRow {
  kind: string;
  subject_id: string;
  seq: number;
  public_key: string;
  jwt: string;
}

describe('the signer projection', () => {
  let tower: TempTower;
  let rows: JwtRow[];

  beforeAll(async () => {
    tower = await tempTower();
    const steps = fc.sample(fc.array(stepArbitrary, { minLength: 300, maxLength: 300 }), {
      numRuns: 1,
      seed: 11,
    })[0]!;
    await runSteps(tower, steps, tower.admin, tower.user);
    rows = tower.db
      .prepare('SELECT * FROM signed_jwts ORDER BY kind, subject_id, seq')
      .all() as JwtRow[];
  });
  afterAll(() => tower.destroy());

  it('signs every kind of JWT during a realistic run', () => {
    const kinds = new Set(rows.map((row) => row.kind));
    expect([...kinds].sort()).toEqual([
      'account',
      'operator',
      'system-account',
      'system-user',
      'user',
    ]);
  });

  it('produces JWTs the NATS libraries decode and verify, issued at their event time', () => {
    const times = new Map(
      (
        tower.db.prepare('SELECT seq, metadata FROM events').all() as {
          seq: number;
          metadata: string;
        }[]
      ).map((e) => [e.seq, Math.floor(Date.parse(JSON.parse(e.metadata).occurredAt) / 1000)]),
    );
    for (const row of rows) {
      const claims = decode<{ type: string }>(row.jwt);
      expect(claims.sub).toBe(row.public_key);
      expect(claims.iat).toBe(times.get(row.seq));
      const [header, body, signature] = row.jwt.split('.');
      const signed = new TextEncoder().encode(`${header}.${body}`);
      expect(fromPublic(claims.iss).verify(signed, Buffer.from(signature!, 'base64url'))).toBe(
        true,
      );
    }
  });

  it('regenerates byte-identical JWTs on replay', () => {
    replay(tower.db, { projections: tower.projections });
    const again = tower.db
      .prepare('SELECT * FROM signed_jwts ORDER BY kind, subject_id, seq')
      .all();
    expect(again).toEqual(rows);
  });
});
