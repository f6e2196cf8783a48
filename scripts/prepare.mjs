#!/usr/bin/env node
// npm's `prepare` (after `npm install` / `npm ci` in this folder, and before `npm pack`): compiles
// the TypeScript when this is a checkout. A packed tarball ships dist/ and no sources, so there is
// nothing to build; a checkout installed without devDependencies (`npm ci --omit=dev`) cannot
// build, which is fine when dist/ is already built and an error otherwise.
// `--clean` (npm's `prepack`, which runs just before `prepare`) only removes dist/, so a tarball
// never ships the output of a source file that no longer exists.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

if (process.argv.includes('--clean')) {
  rmSync('dist', { recursive: true, force: true });
  process.exit(0);
}
if (!existsSync('tsconfig.json')) process.exit(0); // installed from the tarball: dist/ ships built
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  if (existsSync('dist/src/cli/main.js')) {
    console.error('imstats: TypeScript is not installed (devDependencies omitted); using the dist/ already built');
    process.exit(0);
  }
  console.error('imstats: dist/ is not built and TypeScript is not installed (devDependencies omitted). Run `npm ci` (with devDependencies) once to build, or install from a tarball made by `npm pack`, which ships dist/.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
