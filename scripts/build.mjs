// `npm run build [folder]`: compiles src/ to plain JavaScript in dist/ (or the folder given)
// and copies what the code reads beside itself: SQL, migrations, page templates and assets.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? resolve(root, 'dist'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', resolve(root, 'tsconfig.build.json'), '--outDir', out], {
  stdio: 'inherit',
});
cpSync(resolve(root, 'src'), out, {
  recursive: true,
  filter: (path) => !/\.(ts|md)$/u.test(path),
});
