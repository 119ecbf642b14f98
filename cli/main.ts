#!/usr/bin/env node
// The `http-audit-log` bin. Everything lives in cli.ts (runCli) so tests and the demo can call it in-process.
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
