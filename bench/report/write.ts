import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATHS } from '../lib/paths';
import { markdownTable, TableLine, textTable } from './summary';

export interface Publication {
  started: Date;
  stamp: string;
  command: string;
  settingsLine: string;
  env: Record<string, unknown>;
  lines: TableLine[];
  skipped: string[];
  /** Everything else for the raw JSON: options, baseline, rows, autocannon results. */
  data: Record<string, unknown>;
}

/** Prints the summary table, then writes the raw JSON and a Markdown copy to bench/results (gitignored). */
export function publish(p: Publication): void {
  const notes = [...p.skipped.map((s) => `skipped: ${s}`), p.settingsLine, `machine: ${JSON.stringify(p.env)}`];
  console.log(`\n${textTable(p.lines)}\n\n${notes.join('\n')}`);
  const markdown = [
    `# Benchmark run ${p.started.toISOString()}`,
    '',
    `Command: \`${p.command}\``,
    '',
    markdownTable(p.lines),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ];
  mkdirSync(PATHS.results, { recursive: true });
  const json = join(PATHS.results, `${p.stamp}.json`);
  const md = join(PATHS.results, `${p.stamp}.md`);
  const payload = { started: p.started, command: p.command, env: p.env, skipped: p.skipped, ...p.data };
  writeFileSync(json, `${JSON.stringify(payload, null, 2)}\n`);
  writeFileSync(md, markdown.join('\n'));
  console.log(`results: ${json}\n         ${md}`);
}
