// tsx on Node 20 needs ava's child-process mode: worker threads cannot take the --import loader.
export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '60s',
  concurrency: 2,
};
