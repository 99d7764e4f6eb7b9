import type { Comparison } from '../lib/compare-loads';
import type { LoadSummary } from '../load/spec';
import type { Row, Target } from '../parts/part';

export interface Baseline {
  runs: LoadSummary[];
  /** Mean 2xx/s of the bare node:http runs (start and end of the run): information only. */
  rps: number;
  /** The reference and node-oidc-provider, measured in the same run: what the targets are ratios to. */
  comparison?: Comparison;
}

/** Which comparator a row is measured against: introspection rows and token-endpoint rows. */
export function kindOf(row: Row): 'introspect' | 'token' | undefined {
  if (row.id.startsWith('intro-') || row.id.startsWith('apikey-')) return 'introspect';
  if (['cc', 'refresh'].includes(row.id.split('-')[0])) return 'token';
  return undefined;
}

function referenceRatio(row: Row, baseline: Baseline): number | undefined {
  const c = row.comparison ?? baseline.comparison;
  return c && row.load && kindOf(row) === 'introspect' ? row.load.rps / c.reference : undefined;
}

function peerRatio(row: Row, baseline: Baseline): number | undefined {
  const c = row.comparison ?? baseline.comparison;
  const kind = kindOf(row);
  if (!c || !row.load || kind === undefined) return undefined;
  return row.load.rps / (kind === 'introspect' ? c.peerIntrospect : c.peerToken);
}

export interface TableLine {
  benchmark: string;
  rps: string;
  ratio: string;
  reference: string;
  peer: string;
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
  if (t.minReference !== undefined) parts.push(`>= ${t.minReference}x reference`);
  if (t.minPeer !== undefined) parts.push(`>= ${t.minPeer}x oidc-provider`);
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
  if (t.minReference !== undefined) checks.push((referenceRatio(row, baseline) ?? 0) >= t.minReference);
  if (t.minPeer !== undefined) checks.push((peerRatio(row, baseline) ?? 0) >= t.minPeer);
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
    reference: '',
    peer: '',
    p50: num(b.latency.p50),
    p99: num(b.latency.p99),
    failures: String(failures(b)),
    target: '',
    result: '',
    details: i === 0 ? '' : `baseline used: mean ${num(baseline.rps)}/s`,
  }));
  for (const [i, round] of (baseline.comparison?.rounds ?? []).entries()) {
    const when = `round ${i + 1}`;
    for (const [name, load] of [
      ['reference introspection', round.reference],
      ['oidc-provider introspection', round.peerIntrospect],
      ['oidc-provider client_credentials', round.peerToken],
    ] as const) {
      lines.push({
        benchmark: `${name} (${when})`,
        rps: num(load.rps),
        ratio: num(load.rps / baseline.rps, 2),
        reference: '',
        peer: '',
        p50: num(load.latency.p50),
        p99: num(load.latency.p99),
        failures: String(failures(load)),
        target: '',
        result: '',
        details: '',
      });
    }
  }
  for (const row of rows) {
    const load = row.load;
    const ref = referenceRatio(row, baseline);
    const peer = peerRatio(row, baseline);
    lines.push({
      benchmark: row.label,
      rps: load ? num(load.rps) : '',
      ratio: load ? num(load.rps / baseline.rps, 2) : '',
      reference: ref === undefined ? '' : num(ref, 2),
      peer: peer === undefined ? '' : num(peer, 2),
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
  reference: 'x reference',
  peer: 'x oidc-provider',
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
  const render = (l: TableLine): string =>
    COLUMNS.map((c) => l[c].padEnd(width(c)))
      .join('  ')
      .trimEnd();
  const rule = COLUMNS.map((c) => '-'.repeat(width(c))).join('  ');
  return [render(HEADERS), rule, ...lines.map(render)].join('\n');
}

/** The same table in Markdown, for bench/README.md. */
export function markdownTable(lines: TableLine[]): string {
  const render = (l: TableLine): string => `| ${COLUMNS.map((c) => l[c].replace(/\|/g, '\\|')).join(' | ')} |`;
  return [render(HEADERS), `|${COLUMNS.map(() => '---').join('|')}|`, ...lines.map(render)].join('\n');
}
