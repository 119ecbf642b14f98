/**
 * Runs every benchmark scenario, one after the other, each in its own child process (so that no
 * scenario's JIT state, heap or open sockets affect the next), collects the JSON line each prints
 * last, writes docs/benchmarks.md and docs/benchmarks.svg, and prints all results as one JSON
 * line. A scenario file that does not exist (yet) is skipped with a note.
 *
 *   npm run bench                                  # everything, full counts (< 8 min on 2 cores)
 *   node --import=tsx bench/run.ts --quick          # small counts: a smoke test, figures meaningless
 *   node --import=tsx bench/run.ts --no-write       # leave docs/ alone
 *   node --import=tsx bench/run.ts --only capture,duckdb-pruning
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchmarksMarkdown, collectRatios, ratioChartSvg, type Machine, type ScenarioOutcome } from './report.js';

const { values } = parseArgs({ options: {
  quick: { type: 'boolean', default: false },
  'no-write': { type: 'boolean', default: false },
  only: { type: 'string' },
} });

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every scenario, in run order, with the flags --quick passes it (small counts: a smoke test). */
const SCENARIOS: Array<{ file: string; quickArgs: string[]; timeoutSeconds: number; lambdaRuntime?: true }> = [
  { file: 'capture', quickArgs: ['--requests', '200', '--rounds', '1', '--concurrency', '8', '--rate-requests', '100', '--rate-rounds', '1'], timeoutSeconds: 900 },
  { file: 'redaction-cost', quickArgs: ['--rounds', '3', '--kib', '8'], timeoutSeconds: 120 },
  { file: 'delivery-throughput', quickArgs: ['--events', '2000'], timeoutSeconds: 240 },
  { file: 'delivery-putrecords', quickArgs: ['--events', '1000'], timeoutSeconds: 240 },
  { file: 'delivery-outage-rss', quickArgs: ['--seconds', '3'], timeoutSeconds: 240 },
  { file: 'lambda-kinesis-to-s3', quickArgs: ['--records', '500', '--invocations', '2', '--rounds', '1'], timeoutSeconds: 180 },
  { file: 'lambda-partition-loader', quickArgs: ['--cached', '200', '--cold', '20', '--rounds', '1'], timeoutSeconds: 120 },
  { file: 'duckdb-pruning', quickArgs: ['--accounts', '3', '--days', '2', '--events', '20', '--rounds', '1'], timeoutSeconds: 120 },
  // The compactor writes ZSTD only where node:zlib has it (Node >= 22.15): these two run on the
  // Lambda's runtime (lambdaRuntime), so the figures are those of what is deployed.
  { file: 'compaction-bytes', quickArgs: ['--accounts', '2', '--days', '2', '--events', '300', '--objects', '3', '--rounds', '1'], timeoutSeconds: 300, lambdaRuntime: true },
  { file: 'spool-cost', quickArgs: ['--seconds', '1', '--rounds', '1'], timeoutSeconds: 600 },
  { file: 'compactor-cost', quickArgs: ['--events', '3000', '--rounds', '1'], timeoutSeconds: 300, lambdaRuntime: true },
];
/** The Node.js major of the Lambdas' runtime (lambdas/template.yaml: nodejs24.x). */
const LAMBDA_NODE_MAJOR = 24;

/**
 * A node binary of the Lambdas' major version: this one if it is, else `npx -p node@24` (from
 * npm's cache or the registry). Null when neither works; the scenario then runs on this Node,
 * which its result shows (`node`). --quick never asks: the smoke test needs no download.
 */
function lambdaRuntimeNode(): string | null {
  if (Number(process.versions.node.split('.')[0]) === LAMBDA_NODE_MAJOR) return process.execPath;
  try {
    return execFileSync('npx', ['-y', '-p', `node@${LAMBDA_NODE_MAJOR}`, 'node', '-p', 'process.execPath'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 }).trim();
  } catch {
    return null;
  }
}

/** A stuck scenario is killed after its timeout (full run) or this (--quick). */
const QUICK_TIMEOUT_SECONDS = 90;

/** Newest modification time of the TypeScript sources the package build compiles. */
function newestSourceMtime(): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) readdirSync(path).forEach((name) => visit(join(path, name)));
    else if (path.endsWith('.ts')) newest = Math.max(newest, stat.mtimeMs);
  };
  ['index.ts', 'core', 'adapters', 'sinks', 'lambdas', 'cli'].map((p) => join(root, p)).filter(existsSync).forEach(visit);
  return newest;
}

/**
 * The capture benchmark measures the compiled package in dist/. Compile it when it is missing or
 * older than the sources. This runs the build's tsc without `npm run build`'s `rm -rf dist`, so a
 * test or benchmark reading dist/ at the same moment never finds it gone.
 */
function ensureFreshDist(): void {
  const built = join(root, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSourceMtime()) return;
  process.stderr.write('bench: compiling the package (dist/ is missing or stale)\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/** The first paragraph of the file's leading `/** … *\/` comment, unwrapped. */
function describe(path: string): string | undefined {
  const comment = /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(path, 'utf8'))?.[1];
  if (!comment) return undefined;
  const lines = comment.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  const paragraph = lines.join('\n').trim().split(/\n\s*\n/)[0] ?? '';
  // Unwrap the lines, but keep list items (" - …" or " *  - …") on lines of their own.
  return paragraph.split('\n').map((l) => l.trim()).reduce((text, line) => (line.startsWith('- ') ? `${text}\n${line}` : `${text} ${line}`), '').trim();
}

function runScenario(file: string, args: string[], timeoutSeconds: number, node = process.execPath): Promise<ScenarioOutcome> {
  const path = join(root, 'bench', `${file}.ts`);
  if (!existsSync(path)) return Promise.resolve({ file, note: `bench/${file}.ts does not exist on this branch` });
  const started = performance.now();
  const description = describe(path);
  return new Promise((resolve) => {
    const child = spawn(node, ['--import=tsx', path, ...args], {
      cwd: root,
      // stderr passes through: progress and warnings stay visible; stdout is the result.
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(signal ? `killed (${signal}) after ${seconds} s` : `exited with code ${code}`);
        resolve({ file, description, result: JSON.parse(last) as Record<string, unknown>, seconds });
      } catch (error) {
        resolve({ file, description, note: `failed: ${error instanceof Error ? error.message : String(error)}`, seconds });
      }
    });
  });
}

function machine(): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch { /* not a git checkout */ }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3 * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((l) => l.toFixed(2)).join(' '),
    commit,
  };
}

async function main() {
  const only = values.only?.split(',').filter(Boolean);
  const selected = SCENARIOS.filter((s) => !only || only.includes(s.file));
  const host = machine();
  ensureFreshDist();
  const outcomes: ScenarioOutcome[] = [];
  let lambdaNode: string | null | undefined;
  for (const scenario of selected) {
    process.stderr.write(`bench: ${scenario.file}\n`);
    if (scenario.lambdaRuntime && !values.quick && lambdaNode === undefined) {
      lambdaNode = lambdaRuntimeNode();
      if (lambdaNode === null) process.stderr.write(`bench: no Node.js ${LAMBDA_NODE_MAJOR} (npx -p node@${LAMBDA_NODE_MAJOR} failed): Lambda-runtime scenarios run on ${process.version}\n`);
    }
    const node = scenario.lambdaRuntime && !values.quick ? lambdaNode ?? undefined : undefined;
    const outcome = values.quick
      ? await runScenario(scenario.file, scenario.quickArgs, QUICK_TIMEOUT_SECONDS)
      : await runScenario(scenario.file, [], scenario.timeoutSeconds, node);
    process.stderr.write(`bench: ${scenario.file}: ${outcome.result ? `done in ${outcome.seconds} s` : outcome.note}\n`);
    outcomes.push(outcome);
  }
  if (!values['no-write']) {
    const bars = outcomes.flatMap((o) => (o.result ? collectRatios(String(o.result.scenario ?? o.file), o.result.results) : []));
    writeFileSync(join(root, 'docs', 'benchmarks.svg'), ratioChartSvg(bars));
    writeFileSync(join(root, 'docs', 'benchmarks.md'), benchmarksMarkdown(host, outcomes, 'benchmarks.svg', values.quick));
    process.stderr.write('bench: wrote docs/benchmarks.md and docs/benchmarks.svg\n');
  }
  console.log(JSON.stringify({ machine: host, quick: values.quick, scenarios: outcomes }));
  // A scenario that failed (not one that is absent) fails the run.
  if (outcomes.some((o) => o.note?.startsWith('failed'))) process.exitCode = 1;
}

await main();
