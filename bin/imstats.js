#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli by `npm run build` (run by `npm install`).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
