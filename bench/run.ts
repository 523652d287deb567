import { cpus, platform } from 'node:os';
import { commandPipelineBench } from './command-pipeline.bench.ts';
import { pagesBench } from './pages.bench.ts';
import { publisherBench } from './publisher.bench.ts';
import { replayBench } from './replay.bench.ts';
import type { Bench, Figure } from './bench-kit.ts';

const benches: Bench[] = [commandPipelineBench, replayBench, publisherBench, pagesBench];

const json = process.argv.includes('--json');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);

const figures: Figure[] = [];
for (const bench of benches) {
  if (only && !bench.name.includes(only)) continue;
  if (!json) console.error(`running ${bench.name} ...`);
  figures.push(...(await bench.run()));
}

if (json) {
  console.log(JSON.stringify({ machine: machine(), figures }, null, 2));
} else {
  printTable(figures);
}

function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    model: cpus()[0]?.model,
    platform: platform(),
  };
}

function printTable(rows: Figure[]) {
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'met'];
  const lines = rows.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    `${f.baseline} ${f.unit} (${f.baselineName})`,
    String(f.ratio),
    f.target,
    f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const line of lines) console.log(format(line));
}
