#!/usr/bin/env node
// The `tower` command from the TypeScript sources, through tsx's loader; `npm run build` makes
// plain JavaScript in dist/ that starts faster and uses less memory (`node dist/cli/run.js`).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
