import { SYSTEM_ACTOR } from '../commands/index.ts';
import type { TowerConfig } from '../config.ts';
import type { Tower } from './open-tower.ts';
import { generatePassword } from './passwords.ts';

export interface GeneratedCredential {
  email: string;
  role: 'admin' | 'user';
  password: string;
}

/**
 * On an empty log, creates the default admin and the default user the seed asks for. Passwords
 * come from the configuration or are generated; generated ones are returned so that the caller
 * can show them once. Returns an empty list when the log already has events.
 */
export async function firstStart(
  tower: Tower,
  settings: TowerConfig['firstStart'],
): Promise<GeneratedCredential[]> {
  if (tower.log.head().seq > 0) return [];

  const generated: GeneratedCredential[] = [];
  const defaults = [
    { email: settings.adminEmail, password: settings.adminPassword, role: 'admin' as const },
    { email: settings.userEmail, password: settings.userPassword, role: 'user' as const },
  ];
  for (const { email, password, role } of defaults) {
    const chosen = password ?? generatePassword();
    if (!password) generated.push({ email, role, password: chosen });
    await tower.bus.execute(
      'CreateTowerUser',
      { email, displayName: role === 'admin' ? 'Administrator' : 'User', role, password: chosen },
      SYSTEM_ACTOR,
      { commandId: `first-start:${role}` },
    );
  }
  return generated;
}
