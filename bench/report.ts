/**
 * Renders the scenarios' JSON results as docs/benchmarks.md and a hand-written SVG bar chart of
 * their ratios (docs/benchmarks.svg). Generic over the result shape, so a new scenario needs no
 * code here: sibling objects with the same keys become one table with a column each; targets are
 * any `{ op?, target, value, met }` objects; ratios are numeric keys ending in "Ratio" (or inside
 * an object whose key does) and `…VsOtel`.
 */

export interface ScenarioOutcome {
  file: string;
  /** The scenario's last stdout line, parsed; absent when it was skipped or failed. */
  result?: Record<string, unknown>;
  note?: string;
  seconds?: number;
  /** The first paragraph of the scenario file's leading doc comment: what it measures. */
  description?: string;
}

export interface Machine { cpu: string; cores: number; memoryGb: number; node: string; date: string; loadAverage: string; commit: string }

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTarget = (v: Json): v is { op?: string; target: Json; value: Json; met: boolean } => isObject(v) && 'target' in v && 'met' in v;

/** Leaf paths of `value` (targets left out: they get their own section), arrays as text. */
function flatten(value: Json, prefix = ''): Array<[string, string]> {
  if (!isObject(value)) return [[prefix, Array.isArray(value) ? value.join(', ') : String(value)]];
  return Object.entries(value).flatMap(([key, child]) => (key === 'targets' || isTarget(child) ? [] : flatten(child, prefix ? `${prefix}.${key}` : key)));
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One matrix for sibling objects that share their leaf paths (e.g. fetch/http), the rest as rows. */
function resultTables(results: Record<string, Json>): string {
  const objects = Object.entries(results).filter(([, v]) => isObject(v) && !isTarget(v));
  const shape = (v: Json) => flatten(v).map(([p]) => p).join('|');
  const matrix = objects.filter(([, v]) => objects.filter(([, w]) => shape(w) === shape(v)).length > 1);
  const parts: string[] = [];
  if (matrix.length > 1) {
    const columns = matrix.map(([k]) => k);
    const rows = flatten(matrix[0]![1]).map(([path]) => [path, ...matrix.map(([, v]) => flatten(v).find(([p]) => p === path)?.[1] ?? '')]);
    parts.push(table(['', ...columns], rows));
  }
  const rest = Object.fromEntries(Object.entries(results).filter(([k]) => !columnsOf(matrix).includes(k)));
  const restRows = flatten(rest);
  if (restRows.length > 0) parts.push(table(['figure', 'value'], restRows));
  return parts.join('\n\n');
}
const columnsOf = (matrix: Array<[string, Json]>) => (matrix.length > 1 ? matrix.map(([k]) => k) : []);

export interface TargetLine { scenario: string; name: string; op?: string; target: Json; value: Json; met: boolean }

export function collectTargets(scenario: string, value: Json, path: string[] = []): TargetLine[] {
  if (!isObject(value)) return [];
  if (isTarget(value)) return [{ scenario, name: path.filter((p) => p !== 'targets' && p !== 'results').join(' › '), op: value.op, target: value.target, value: value.value, met: value.met }];
  return Object.entries(value).flatMap(([key, child]) => collectTargets(scenario, child, [...path, key]));
}

export interface Bar { label: string; value: number }

export function collectRatios(scenario: string, value: Json, path: string[] = [], inRatio = false): Bar[] {
  if (typeof value === 'number' && (inRatio || /(Ratio|VsOtel)$/.test(path.at(-1) ?? '')) && !/^expected/.test(path.at(-1) ?? '')) {
    return [{ label: `${scenario} › ${path.filter((p) => p !== 'results').join(' › ')}`, value }];
  }
  if (!isObject(value) || isTarget(value)) return [];
  // The members of an object held under a "…Ratio" key (e.g. throughputRatio: { otel, audit }) are ratios.
  const ratioMembers = /Ratio$/.test(path.at(-1) ?? '');
  return Object.entries(value).flatMap(([key, child]) => (key === 'targets' ? [] : collectRatios(scenario, child, [...path, key], ratioMembers)));
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars on a 0–2 scale with a line at 1 (parity with the baseline); longer bars are clipped and say so. */
export function ratioChartSvg(bars: Bar[]): string {
  const labelWidth = 430;
  const barArea = 360;
  const rowHeight = 22;
  const max = 2;
  const height = 40 + bars.length * rowHeight + 20;
  const x = (v: number) => labelWidth + (Math.min(v, max) / max) * barArea;
  const rows = bars.map((bar, i) => {
    const y = 30 + i * rowHeight;
    const clipped = bar.value > max;
    return [
      `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${(x(bar.value) - labelWidth).toFixed(1)}" height="${rowHeight - 8}" fill="#4e79a7"/>`,
      `<text x="${(x(bar.value) + 4).toFixed(1)}" y="${y + 14}">${bar.value}${clipped ? ' (clipped)' : ''}</text>`,
    ].join('');
  });
  const ticks = [0, 0.5, 1, 1.5, 2].map((t) => `<line x1="${x(t)}" y1="26" x2="${x(t)}" y2="${height - 20}" stroke="${t === 1 ? '#333' : '#ddd'}"/><text x="${x(t)}" y="${height - 6}" text-anchor="middle">${t}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barArea + 120}" height="${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="8" y="16" font-weight="bold">Ratios against each scenario's baseline (1 = same as baseline)</text>`,
    ...ticks,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}

export function benchmarksMarkdown(machine: Machine, outcomes: ScenarioOutcome[], svgName: string, quick = false): string {
  const targets = outcomes.flatMap((o) => (o.result ? collectTargets(String(o.result.scenario ?? o.file), o.result) : []));
  const out = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts): each scenario runs alone in its own process, against a',
    'baseline measured in the same run; figures are medians over rounds. Re-run on a quiet machine before',
    'comparing numbers; the ratios are what the targets are about.',
    '',
    ...(quick ? ['**Quick run (`--quick`): tiny counts for a smoke test; these figures mean nothing.**', ''] : []),
    table(['machine', ''], [
      ['CPU', machine.cpu], ['cores', String(machine.cores)], ['memory', `${machine.memoryGb} GB`],
      ['Node.js', machine.node], ['date', machine.date], ['load average at start', machine.loadAverage], ['commit', machine.commit],
    ]),
    '',
    '## Targets',
    '',
    ...(targets.length === 0 ? ['No scenario reported a target.'] : targets.map((t) =>
      `- ${t.scenario} › ${t.name}: ${String(t.value)} (target ${t.op ?? ''} ${String(t.target)}): **${t.met ? 'met' : 'not met'}**`)),
    '',
    `![ratios](${svgName})`,
    '',
  ];
  for (const o of outcomes) {
    out.push(`## ${o.file}`, '');
    if (o.description) out.push(o.description, '');
    if (!o.result) {
      out.push(`Not run: ${o.note ?? 'no result'}.`, '');
      continue;
    }
    const { scenario: _s, node: _n, results, targets: _t, ...parameters } = o.result;
    out.push(`Parameters: ${flatten(parameters).map(([k, v]) => `${k} = ${v}`).join('; ')}${o.seconds ? `; ran ${o.seconds} s` : ''}.`, '');
    if (isObject(results)) out.push(resultTables(results), '');
  }
  return out.join('\n');
}
