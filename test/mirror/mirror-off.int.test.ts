import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { MIRROR_OFF_MESSAGE } from '../../src/mirror/mirror.ts';
import { findNatsServer } from '../../src/mirror/server-binary.ts';
import { tempDir } from '../helpers/run-cli.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { createTeams, startTestMirror } from './mirror-fixture.ts';

/** A Tower without a nats-server binary and without TOWER_NATS_URL runs on, mirror off. */
describe('the mirror without a nats-server binary', () => {
  let tower: TempTower;
  beforeAll(async () => {
    tower = await tempTower();
  });
  afterAll(() => tower?.destroy());

  it('says once that the mirror is off and how to turn it on; commands go on', async () => {
    const emptyPath = tempDir('tower-no-bin-');
    const { nats } = loadConfig({
      TOWER_NATS_SERVER_BIN: join(emptyPath, 'nowhere', 'nats-server'),
      PATH: emptyPath,
    });
    const { mirror, log } = startTestMirror(tower, nats);

    await createTeams(tower, tower.admin, 3);
    const status = mirror.status();
    await mirror.stop();

    expect(status).toEqual({
      enabled: false,
      connected: false,
      cursor: 0,
      head: tower.log.head().seq,
      lag: tower.log.head().seq,
      lastError: null,
    });
    expect(log.lines).toEqual([
      {
        level: 'warn',
        message: MIRROR_OFF_MESSAGE,
        fields: {
          reason: expect.stringContaining('no executable nats-server in TOWER_NATS_SERVER_BIN'),
        },
      },
    ]);
    expect(MIRROR_OFF_MESSAGE).toMatch(
      /install nats-server.*TOWER_NATS_SERVER_BIN.*TOWER_NATS_URL/u,
    );
    expect(existsSync(join(tower.dataDir, 'nats'))).toBe(false);
  });

  it('looks on the PATH, but only at TOWER_NATS_SERVER_BIN when that is set', () => {
    const bin = tempDir('tower-bin-');
    writeFileSync(join(bin, 'nats-server'), '#!/bin/sh\n', { mode: 0o755 });
    const notExecutable = tempDir('tower-bin-');
    writeFileSync(join(notExecutable, 'nats-server'), '', { mode: 0o644 });

    const onPath = findNatsServer({ serverBin: undefined, path: `${notExecutable}:${bin}` });
    const configured = findNatsServer({ serverBin: join(notExecutable, 'nats-server'), path: bin });

    expect(onPath.found).toBe(join(bin, 'nats-server'));
    expect(configured).toEqual({ looked: [join(notExecutable, 'nats-server')] });
  });
});
