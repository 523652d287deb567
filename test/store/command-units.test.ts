import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('a unit of several commands (executeAll)', () => {
  let tower: TempTower;
  beforeEach(async () => {
    tower = await tempTower();
  });
  afterEach(() => tower.destroy());

  const teamNames = () =>
    tower.db.prepare('SELECT name FROM teams ORDER BY name').pluck().all() as string[];
  const ledgerRows = () => tower.db.prepare('SELECT count(*) FROM commands').pluck().get();

  it('stores every command in order, each deciding on the state the ones before left', async () => {
    const team = await tower.bus.execute('CreateTeam', { name: 'red' }, tower.admin);

    const results = await tower.bus.executeAll(
      [
        { type: 'RenameTeam', input: { teamId: team.id, name: 'crimson' } },
        { type: 'CreateTeam', input: { name: 'red' } },
      ],
      tower.admin,
    );

    expect(results.map((result) => result.eventCount)).toEqual([1, 1]);
    expect(teamNames()).toEqual(['crimson', 'red']);
  });

  it('stores nothing when the domain refuses a later command, not even the ledger rows', async () => {
    await tower.bus.execute('CreateTeam', { name: 'taken' }, tower.admin);
    const head = tower.log.head().seq;
    const ledger = ledgerRows();

    const unit = tower.bus.executeAll(
      [
        { type: 'CreateTeam', input: { name: 'first' } },
        { type: 'CreateTeam', input: { name: 'taken' } },
      ],
      tower.admin,
    );

    await expect(unit).rejects.toMatchObject({ code: 'name_taken', field: 'name' });
    expect(teamNames()).toEqual(['taken']);
    expect(tower.log.head().seq).toBe(head);
    expect(ledgerRows()).toBe(ledger);
  });

  it('checks every input before anything runs', async () => {
    const unit = tower.bus.executeAll(
      [
        { type: 'CreateTeam', input: { name: 'fine' } },
        { type: 'CreateTeam', input: { name: '' } },
      ],
      tower.admin,
    );

    await expect(unit).rejects.toMatchObject({ code: 'invalid_input', field: 'name' });
    expect(teamNames()).toEqual([]);
  });

  it('answers a unit run again with the same command ids with its first outcome', async () => {
    const steps = [
      { type: 'CreateTeam', input: { name: 'once' }, options: { commandId: 'unit-1' } },
      { type: 'CreateTeam', input: { name: 'twice' }, options: { commandId: 'unit-2' } },
    ];
    const first = await tower.bus.executeAll(steps, tower.admin);
    const head = tower.log.head().seq;

    const again = await tower.bus.executeAll(steps, tower.admin);

    expect(again.map((result) => result.replayed)).toEqual([true, true]);
    expect(again.map((result) => result.id)).toEqual(first.map((result) => result.id));
    expect(tower.log.head().seq).toBe(head);
  });

  it('rolls back alone when it shares a commit with other commands', async () => {
    const [single, unit] = await Promise.allSettled([
      tower.bus.execute('CreateTeam', { name: 'alone' }, tower.admin),
      tower.bus.executeAll(
        [
          { type: 'CreateTeam', input: { name: 'unit' } },
          { type: 'CreateTeam', input: { name: 'alone' } },
        ],
        tower.admin,
      ),
    ]);

    expect(single.status).toBe('fulfilled');
    expect(unit).toMatchObject({ status: 'rejected', reason: { code: 'name_taken' } });
    expect(teamNames()).toEqual(['alone']);
  });
});
