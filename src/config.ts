import { resolve } from 'node:path';
import { z } from 'zod';
import { TowerError } from './errors/index.ts';

const envSchema = z.object({
  TOWER_DATA_DIR: z.string().min(1).default('./data'),
  TOWER_SECRET_KEY: z.string().min(1).optional(),
  TOWER_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  TOWER_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  TOWER_ADMIN_EMAIL: z.string().default('admin@tower.local'),
  TOWER_ADMIN_PASSWORD: z.string().optional(),
  TOWER_USER_EMAIL: z.string().default('user@tower.local'),
  TOWER_USER_PASSWORD: z.string().optional(),
});

export type TowerConfig = {
  dataDir: string;
  secretKey: string | undefined;
  synchronous: 'FULL' | 'NORMAL';
  logLevel: z.infer<typeof envSchema>['TOWER_LOG_LEVEL'];
  firstStart: {
    adminEmail: string;
    adminPassword: string | undefined;
    userEmail: string;
    userPassword: string | undefined;
  };
};

/** Reads every TOWER_* setting; a bad value stops start-up and names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TowerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.');
    throw new TowerError('config_invalid', `${name}: ${issue.message}`, { field: name });
  }
  const e = parsed.data;
  return {
    dataDir: resolve(e.TOWER_DATA_DIR),
    secretKey: e.TOWER_SECRET_KEY,
    synchronous: e.TOWER_SYNCHRONOUS,
    logLevel: e.TOWER_LOG_LEVEL,
    firstStart: {
      adminEmail: e.TOWER_ADMIN_EMAIL,
      adminPassword: e.TOWER_ADMIN_PASSWORD,
      userEmail: e.TOWER_USER_EMAIL,
      userPassword: e.TOWER_USER_PASSWORD,
    },
  };
}
