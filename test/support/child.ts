// Tests and benchmarks only: a child node process spoken to by lines (stdin in, stdout out).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ChildOptions {
  /** For error messages and onLine; default the script's file name. */
  readonly name?: string;
  /** Node flags, before the script. */
  readonly nodeFlags?: readonly string[];
  /** Pins the child to this one core with `taskset -c` (which execs node: the pid stays node's). */
  readonly cpu?: number;
  /** Called with every stdout line as it arrives (in arrival order across children). */
  readonly onLine?: (child: Child, line: string) => void;
}

/** A running child: its stdout lines as they arrive, its stderr's tail, its exit. */
export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<ChildExit>;
  #exit: ChildExit | undefined;
  #waiters: Array<{ prefix: string; resolve: (rest: string) => void; reject: (err: Error) => void }> = [];
  #stderr = '';

  /** Starts the compiled `script` (e.g. `new URL('./server-child.js', import.meta.url)`) with node. */
  constructor(script: URL, args: readonly string[], options: ChildOptions = {}) {
    const path = fileURLToPath(script);
    this.name = options.name ?? basename(path);
    const node = [process.execPath, ...(options.nodeFlags ?? []), path, ...args];
    const [command, ...argv] = options.cpu === undefined ? node : ['taskset', '-c', String(options.cpu), ...node];
    this.process = spawn(command!, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-8000);
    });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      options.onLine?.(this, line);
      this.#waiters = this.#waiters.filter((w) => !(line.startsWith(w.prefix) && (w.resolve(line.slice(w.prefix.length)), true)));
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.#exit = { code, signal };
        for (const w of this.#waiters) w.reject(this.#failure('before the awaited line'));
        this.#waiters = [];
        resolve(this.#exit);
      });
    });
  }

  #failure(when: string): Error {
    return new Error(`${this.name} exited (${this.#exit?.code ?? this.#exit?.signal}) ${when}; stderr:\n${this.#stderr}`);
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** The text after `prefix` on the first stdout line (already seen or coming) starting with it. */
  waitFor(prefix: string): Promise<string> {
    const seen = this.lines.find((l) => l.startsWith(prefix));
    if (seen !== undefined) return Promise.resolve(seen.slice(prefix.length));
    if (this.#exit) return Promise.reject(this.#failure(`without a line starting "${prefix}"`));
    return new Promise((resolve, reject) => this.#waiters.push({ prefix, resolve, reject }));
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  /** Resolves when the child exits with code 0; rejects with its stderr otherwise. */
  async succeeded(): Promise<void> {
    const { code, signal } = await this.exited;
    if (code !== 0) throw new Error(`${this.name} failed (${code ?? signal}): ${this.#stderr}`);
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
  async stop(): Promise<ChildExit> {
    if (this.running) this.process.kill('SIGTERM');
    return this.exited;
  }
}
