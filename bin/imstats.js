#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli to dist/src/cli by `npm run build` (run by `npm install`).
import { spawn } from 'node:child_process';
import { LAUNCHER_PID_ENV, missingNodeFlags, stopWithLauncher } from '../dist/src/cli/heap-limit.js';

const args = process.argv.slice(2);
const flags = missingNodeFlags(args, process.execArgv);
if (flags.length > 0) {
  // Some commands need node flags (a capped heap for ingest): run again with them. The IPC channel
  // tells the child when this process is gone, even by SIGKILL (stopWithLauncher). Signals are
  // forwarded; the handlers come first, so a signal arriving while the child is being spawned is
  // forwarded too instead of ending this process alone.
  let child;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [LAUNCHER_PID_ENV]: String(process.pid) },
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    else process.exit(code ?? 1);
  });
} else {
  stopWithLauncher();
  const { main } = await import('../dist/src/cli/main.js');
  main(process.argv).catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
