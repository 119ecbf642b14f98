/**
 * Dependency direction, enforced in `npm run lint`. One event's path is a straight line:
 * adapters → core/capture → (the front door) → core/event → core/delivery → sinks.
 *
 *   core's top files   (errors, schema, options, shutdown, intrusive-list, types/) are shared by
 *                      every part and import none of core's concern folders
 *   core/capture/      where an event is born: imports only core's top; not event/ nor delivery/
 *   core/event/        where it is built and redacted: imports only core's top
 *   core/delivery/     where it is queued and written: imports only core's top
 *   each concern folder is entered from outside through its index.ts only
 *   adapters           import core/capture's entry and core's top entry (core/index.ts)
 *   sinks              import only core's top entry
 *   lambdas            import only core's event schema (core/schema.ts), nothing else of ours
 *   index.ts and instance.ts (the composition root) and cli/ may import anything
 * and no import circle at all, type-only imports included.
 */
const CONCERNS = '(capture|event|delivery)';
module.exports = {
  forbidden: [
    {
      name: 'core-is-self-contained',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(adapters|sinks|lambdas|cli|bench|test|index\\.ts|instance\\.ts)' },
    },
    {
      name: 'core-top-imports-no-concern',
      comment: "core's shared top files must not depend on any one concern.",
      severity: 'error',
      from: { path: '^core/[^/]+\\.ts$|^core/types/' },
      to: { path: `^core/${CONCERNS}/` },
    },
    {
      name: 'concerns-do-not-import-each-other',
      comment: 'capture, event and delivery know nothing of one another; the front door wires them.',
      severity: 'error',
      from: { path: `^core/${CONCERNS}/` },
      to: { path: `^core/${CONCERNS}/`, pathNot: '^core/$1/' },
    },
    {
      name: 'concerns-are-entered-through-their-index',
      severity: 'error',
      from: { path: '^(?!core/)' },
      to: { path: `^core/${CONCERNS}/`, pathNot: `^core/${CONCERNS}/index\\.ts$` },
    },
    {
      name: 'adapters-use-capture-and-core-entries',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^core/', pathNot: '^core/(index|capture/index)\\.ts$' },
    },
    {
      name: 'adapters-do-not-import-sinks',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(sinks|lambdas|cli|index\\.ts|instance\\.ts)' },
    },
    {
      name: 'sinks-use-core-top-entry',
      severity: 'error',
      from: { path: '^sinks/' },
      to: { path: '^core/', pathNot: '^core/index\\.ts$' },
    },
    {
      name: 'sinks-do-not-import-adapters',
      severity: 'error',
      from: { path: '^sinks/' },
      to: { path: '^(adapters|lambdas|cli|index\\.ts|instance\\.ts)' },
    },
    {
      name: 'lambdas-import-only-the-schema',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(core|adapters|sinks|cli|index\\.ts|instance\\.ts)', pathNot: '^core/schema\\.ts$' },
    },
    {
      name: 'only-the-compactor-writes-parquet',
      comment: 'The vendored, patched Parquet writer (vendor/hyparquet-writer/VENDORED.md) is the compactor\'s alone.',
      severity: 'error',
      from: { pathNot: '^(lambdas/compactor/|vendor/hyparquet-writer/)' },
      to: { path: '^vendor/' },
    },
    {
      name: 'vendored-code-imports-no-project-code',
      severity: 'error',
      from: { path: '^vendor/' },
      to: { path: '^(core|adapters|sinks|lambdas|cli|index\\.ts|instance\\.ts)' },
    },
    {
      name: 'no-circular',
      comment: 'No import circle of any kind: type-only circles hide a tangle as surely as value ones.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
