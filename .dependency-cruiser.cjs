/**
 * Dependency direction, enforced in `npm run lint`:
 *   core      imports none of the other folders (node built-ins and its own deps only)
 *   adapters  import only core's public entry (core/index.ts)
 *   sinks     import only core's public entry
 *   lambdas   import only core's event schema (core/schema.ts), nothing else of ours
 *   index.ts  (the composition root) and cli/ may import anything
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-self-contained',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(adapters|sinks|lambdas|cli|bench|test|index\\.ts)' },
    },
    {
      name: 'adapters-and-sinks-use-core-public-entry',
      severity: 'error',
      from: { path: '^(adapters|sinks)/' },
      to: { path: '^core/', pathNot: '^core/index\\.ts$' },
    },
    {
      name: 'adapters-do-not-import-sinks',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(sinks|lambdas|cli|index\\.ts)' },
    },
    {
      name: 'sinks-do-not-import-adapters',
      severity: 'error',
      from: { path: '^sinks/' },
      to: { path: '^(adapters|lambdas|cli|index\\.ts)' },
    },
    {
      name: 'lambdas-import-only-the-schema',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(core|adapters|sinks|cli|index\\.ts)', pathNot: '^core/schema\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      // Type-only cycles vanish at runtime; value cycles are what break module loading.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
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
