import { TowerError } from '../errors/index.ts';

/**
 * The text of a `.creds` file, byte for byte as the NATS tools write it: the user JWT, a
 * warning, and the user's seed. The result holds a secret; never log it.
 */
export function formatCreds(userJwt: string, userSeed: string): string {
  if (!userSeed.startsWith('SU')) {
    throw new TowerError('invalid_input', 'A creds file needs a user seed', { field: 'seed' });
  }
  return [
    '-----BEGIN NATS USER JWT-----',
    userJwt,
    '------END NATS USER JWT------',
    '',
    '************************* IMPORTANT *************************',
    'NKEY Seed printed below can be used to sign and prove identity.',
    'NKEYs are sensitive and should be treated as secrets.',
    '',
    '-----BEGIN USER NKEY SEED-----',
    userSeed,
    '------END USER NKEY SEED------',
    '',
    '*************************************************************',
    '',
  ].join('\n');
}

const BLOCK = /-{3,}[^\n]*-{3,}\r?\n([\w\-.=]+)\r?\n-{3,}[^\n]*-{3,}/g;

/** Reads the JWT and the seed back out of a creds file's text. */
export function parseCreds(text: string): { jwt: string; seed: string } {
  const blocks = [...text.matchAll(BLOCK)].map((match) => match[1]!);
  if (blocks.length < 2) throw new TowerError('invalid_input', 'Not a NATS creds file');
  return { jwt: blocks[0]!, seed: blocks[1]! };
}
