/**
 * Turns a DRILL_REPORT file (one JSON object per drill, see _report.ts) into the markdown table
 * of docs/drills.md:
 *
 *   DRILL_REPORT=/tmp/drills.jsonl npx ava test/drills && node --import=tsx test/drills/_table.ts /tmp/drills.jsonl
 */
import { readFileSync } from 'node:fs';
import type { DrillFigures } from './_report.js';

type Row = DrillFigures & { node: string; date: string };

const [path] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: _table.ts <DRILL_REPORT file>');
const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row).sort((a, b) => a.drill.localeCompare(b.drill));
const out = [
  '| drill | sent | stored | lost | policy allows | duplicates | other figures |',
  '|---|---:|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.drill} | ${r.sent} | ${r.stored} | ${r.lost} | ${r.allowed} | ${r.duplicates} | ${Object.entries(r.extra ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')} |`),
  '',
  `Node ${rows[0]?.node ?? '?'}, ${rows[0]?.date.slice(0, 10) ?? '?'}.`,
];
console.log(out.join('\n'));
