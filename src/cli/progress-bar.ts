import type { ReplayProgress } from '../app/replay.ts';

const WIDTH = 30;

/** `1234567` as `1,234,567`, the way counts read in a terminal. */
export const formatCount = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A one-line progress bar with the rate, redrawn in place on a terminal. It returns undefined
 * when the stream is not a terminal, where carriage returns would only litter a log file.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return undefined;
  return {
    update({ done, total, elapsedMs }: ReplayProgress): void {
      const share = total > 0 ? done / total : 1;
      const filled = Math.round(share * WIDTH);
      const rate = done / Math.max(elapsedMs / 1000, 1e-3);
      const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
      stream.write(
        `\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ` +
          `${formatCount(done)}/${formatCount(total)} events  ${formatCount(rate)} events/s `,
      );
    },
    done(): void {
      stream.write('\n');
    },
  };
}
