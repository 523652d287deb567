import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsServer } from '../../helpers/nats-server.ts';

/** The pid of a running test nats-server, from the ports file it wrote into its folder. */
export function serverPid(server: NatsServer): number {
  const files = readdirSync(server.paths.dir).filter((name) =>
    /^nats-server_\d+\.ports$/u.test(name),
  );
  const pids = files.map((name) => Number(/_(\d+)\./u.exec(name)![1]));
  const alive = pids.filter(isAlive);
  if (alive.length !== 1) throw new Error(`expected one running server, found ${alive.join()}`);
  return alive[0]!;
}

/**
 * SIGKILL, as when the machine dies: the server's folder stays, so restart() brings it back
 * with the account JWTs it had. The dead server's ports file is removed for the next lookup.
 */
export async function killServer(server: NatsServer): Promise<void> {
  const pid = serverPid(server);
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await new Promise((done) => setTimeout(done, 10));
  rmSync(join(server.paths.dir, `nats-server_${pid}.ports`), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
