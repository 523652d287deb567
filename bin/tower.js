#!/usr/bin/env node
// The `tower` command. Tower runs its TypeScript sources directly, through tsx's loader.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
