import type { LoadSummary } from '../load/spec';
import type { Row, Target } from '../parts/part';

export interface Baseline {
  runs: LoadSummary[];
  /** Mean 2xx/s of the bare node:http runs (start and end of the run). */
  rps: number;
}

export interface TableLine {
  benchmark: string;
  rps: string;
  ratio: string;
  p50: string;
  p99: string;
  failures: string;
  target: string;
  result: string;
  details: string;
}

const num = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function targetText(t: Target | undefined): string {
  if (!t) return '';
  const parts: string[] = [];
  if (t.minRps !== undefined) parts.push(`>= ${t.minRps}/s`);
  if (t.minRatio !== undefined) parts.push(`>= ${t.minRatio * 100}% bare`);
  if (t.maxP99Ms !== undefined) parts.push(`p99 < ${t.maxP99Ms} ms`);
  if (t.text) parts.push(t.text);
  return parts.join(', ');
}

function failures(load: LoadSummary): number {
  return load.non2xx + load.errors + load.timeouts + load.mismatches;
}

/** PASS/FAIL against the target; a run with failed requests never passes; "-" when there is no target. */
function verdict(row: Row, baseline: Baseline): string {
  if (row.pass !== undefined) return row.pass ? 'PASS' : 'FAIL';
  const load = row.load;
  const t = row.target ?? {};
  if (!load) return '-';
  const checks: boolean[] = [];
  if (t.minRps !== undefined) checks.push(load.rps >= t.minRps);
  if (t.minRatio !== undefined) checks.push(load.rps / baseline.rps >= t.minRatio);
  if (t.maxP99Ms !== undefined) checks.push(load.latency.p99 < t.maxP99Ms);
  if (failures(load) > 0) return 'FAIL (errors)';
  if (checks.length === 0) return '-';
  return checks.every(Boolean) ? 'PASS' : 'FAIL';
}

/** With --count-sql: "0.00 SQL/req". */
function sqlText(load: LoadSummary | undefined): string | undefined {
  const per = load?.extra.sqlPerRequest;
  return per === undefined ? undefined : `${per.toFixed(per < 0.1 ? 3 : 2)} SQL/req`;
}

export function tableLines(rows: Row[], baseline: Baseline): TableLine[] {
  const lines: TableLine[] = baseline.runs.map((b, i) => ({
    benchmark: `bare node:http (${i === 0 ? 'start' : 'end'})`,
    rps: num(b.rps),
    ratio: '1.00',
    p50: num(b.latency.p50),
    p99: num(b.latency.p99),
    failures: String(failures(b)),
    target: '',
    result: '',
    details: i === 0 ? '' : `baseline used: mean ${num(baseline.rps)}/s`,
  }));
  for (const row of rows) {
    const load = row.load;
    lines.push({
      benchmark: row.label,
      rps: load ? num(load.rps) : '',
      ratio: load ? num(load.rps / baseline.rps, 2) : '',
      p50: load ? num(load.latency.p50) : '',
      p99: load ? num(load.latency.p99) : '',
      failures: load ? String(failures(load)) : '',
      target: targetText(row.target),
      result: verdict(row, baseline),
      details: [sqlText(load), row.figures, row.note].filter(Boolean).join('; '),
    });
  }
  return lines;
}

const HEADERS: TableLine = {
  benchmark: 'benchmark',
  rps: 'ok/s',
  ratio: 'x bare',
  p50: 'p50 ms',
  p99: 'p99 ms',
  failures: 'failed',
  target: 'target',
  result: 'result',
  details: 'details',
};
const COLUMNS = Object.keys(HEADERS) as (keyof TableLine)[];

/** Fixed-width text for the console. */
export function textTable(lines: TableLine[]): string {
  const all = [HEADERS, ...lines];
  const width = (c: keyof TableLine): number => Math.max(...all.map((l) => l[c].length));
  const render = (l: TableLine): string => COLUMNS.map((c) => l[c].padEnd(width(c))).join('  ').trimEnd();
  const rule = COLUMNS.map((c) => '-'.repeat(width(c))).join('  ');
  return [render(HEADERS), rule, ...lines.map(render)].join('\n');
}

/** The same table in Markdown, for bench/README.md. */
export function markdownTable(lines: TableLine[]): string {
  const render = (l: TableLine): string => `| ${COLUMNS.map((c) => l[c].replace(/\|/g, '\\|')).join(' | ')} |`;
  return [render(HEADERS), `|${COLUMNS.map(() => '---').join('|')}|`, ...lines.map(render)].join('\n');
}
