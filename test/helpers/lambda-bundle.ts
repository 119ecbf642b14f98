/**
 * Bundles a Lambda driver script with esbuild the way the deployed handlers are bundled (AWS SDK
 * external: the Lambda runtime provides it), to be run by plain node in a child process: under
 * tsx the TypeScript loader alone costs ~50 MB of RSS that Lambda never pays. Used by the
 * kinesis-to-s3 memory test and benchmark. `outfile` must be inside the repository so the
 * external @aws-sdk/* resolve from node_modules.
 */
import { build } from 'esbuild';

export async function bundleLambdaDriver(entryPoint: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['@aws-sdk/*'],
    // aws-kinesis-agg is CommonJS and calls require(): give the ESM bundle one.
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
    logLevel: 'error',
  });
}
