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
    expect([...kinds].sort()).toEqual(['account', 'operator', 'system-account', 'system-user']);
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

  it("signs a NATS user's JWT on request, issued at its last event, by its account", () => {
    const users = natsUsers();
    expect(users.length).toBeGreaterThan(5);
    for (const user of users) {
      const jwt = tower.jwts.natsUserJwt(user.id)!;
      const claims = decode<{ type: string; issuer_account?: string }>(jwt);
      expect(claims.sub).toBe(user.public_key);
      expect(claims.name).toBe(user.name);
      expect(claims.iat).toBe(user.lastEventTime);
      expect(claims.iss).toBe(user.signing_key);
      expect(claims.nats.issuer_account).toBe(user.account_key);
      const [header, body, signature] = jwt.split('.');
      const signed = new TextEncoder().encode(`${header}.${body}`);
      expect(fromPublic(claims.iss).verify(signed, Buffer.from(signature!, 'base64url'))).toBe(
        true,
      );
    }
  });

  it("regenerates byte-identical JWTs on replay, the NATS users' included", () => {
    const userJwts = natsUsers().map((user) => tower.jwts.natsUserJwt(user.id));
    replay(tower.db, { projections: tower.projections });
    const again = tower.db
      .prepare('SELECT * FROM signed_jwts ORDER BY kind, subject_id, seq')
      .all();
    expect(again).toEqual(rows);
    expect(natsUsers().map((user) => tower.jwts.natsUserJwt(user.id))).toEqual(userJwts);
  });

  /** Live NATS users with their keys and the time of the last event in their stream. */
  function natsUsers() {
    return (
      tower.db
        .prepare(
          `SELECT u.id, u.name, u.public_key, a.public_key AS account_key,
             a.signing_key, (SELECT json_extract(e.metadata, '$.occurredAt') FROM events e
               WHERE e.stream_type = 'nats-user' AND e.stream_id = u.id
               ORDER BY e.version DESC LIMIT 1) AS last_event_at
           FROM nats_users u JOIN accounts a ON a.id = u.account_id ORDER BY u.id`,
        )
        .all() as {
        id: string;
        name: string;
        public_key: string;
        account_key: string;
        signing_key: string;
        last_event_at: string;
      }[]
    ).map((user) => ({
      ...user,
      lastEventTime: Math.floor(Date.parse(user.last_event_at) / 1000),
    }));
  }
});
