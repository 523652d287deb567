import { InvalidArgumentError } from 'commander';

/** A commander parser for sequence numbers and counts: whole numbers, 0 or more. */
export function parseWholeNumber(value: string): number {
  if (!/^\d+$/u.test(value)) throw new InvalidArgumentError('must be a whole number (0 or more).');
  return Number(value);
}
