/**
 * A forced full GC for tests that check what stays reachable: exposes V8's `gc` at run time, so
 * the test files need no `--expose-gc` flag on the command line.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
export const gc = vm.runInNewContext('gc') as () => void;
