import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A node child running one of this folder's scripts, spoken to by stdout lines. Each measurement
 * runs in its own process so the load generator and the server do not share an event loop and
 * peak memory (maxRSS) belongs to one measurement only.
 */
export class BenchChild {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly #lines: string[] = [];
  readonly #waiters: Array<{ prefix: string; resolve: (rest: string) => void; reject: (err: Error) => void }> = [];
  #stderr = '';
  #done = false;

  /** Starts `script` (compiled, relative to this folder) with node, extra node flags first. */
  constructor(script: string, args: readonly string[], nodeFlags: readonly string[] = []) {
    const path = fileURLToPath(new URL(script, import.meta.url));
    this.process = spawn(process.execPath, [...nodeFlags, path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-8000);
    });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      const i = this.#waiters.findIndex((w) => line.startsWith(w.prefix));
      if (i < 0) return void this.#lines.push(line);
      const waiter = this.#waiters.splice(i, 1)[0]!;
      waiter.resolve(line.slice(waiter.prefix.length));
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.#done = true;
        for (const w of this.#waiters.splice(0)) w.reject(this.#failure(code, signal));
        resolve(code);
      });
    });
  }

  #failure(code: number | null, signal: NodeJS.Signals | null): Error {
    return new Error(`bench child exited (${code ?? signal}) before answering; stderr:\n${this.#stderr}`);
  }

  /** The text after `prefix` on the first stdout line starting with it. */
  waitFor(prefix: string): Promise<string> {
    const i = this.#lines.findIndex((l) => l.startsWith(prefix));
    if (i >= 0) return Promise.resolve(this.#lines.splice(i, 1)[0]!.slice(prefix.length));
    if (this.#done) return Promise.reject(this.#failure(this.process.exitCode, null));
    return new Promise((resolve, reject) => this.#waiters.push({ prefix, resolve, reject }));
  }

  /** CPU seconds (user + system) the child has used so far, from /proc (Linux); NaN elsewhere. */
  cpuSeconds(): number {
    try {
      // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${this.process.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  }

  /** SIGTERM, then the exit. */
  async stop(): Promise<void> {
    if (!this.#done) this.process.kill('SIGTERM');
    await this.exited;
  }
}
