// Tests only: a child node process spoken to by lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child: its stdout lines as they arrive (each with the order it arrived in, across children). */
export class Child {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<ChildExit>;
  #exit: ChildExit | undefined;
  #waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  #stderr = '';

  /** Starts `script` (a path relative to this folder's compiled output) with node. */
  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
    onLine?: (child: Child, line: string) => void,
  ) {
    const path = fileURLToPath(new URL(script, import.meta.url));
    this.process = spawn(process.execPath, [path, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-4000);
    });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      onLine?.(this, line);
      this.#waiters = this.#waiters.filter((w) => !(w.test(line) && (w.resolve(line), true)));
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.#exit = { code, signal };
        for (const w of this.#waiters) w.reject(new Error(`${name} exited (${code ?? signal}) before the awaited line; stderr: ${this.#stderr}`));
        this.#waiters = [];
        resolve(this.#exit);
      });
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** The first line (already seen or coming) starting with `prefix`. */
  waitFor(prefix: string): Promise<string> {
    const seen = this.lines.find((l) => l.startsWith(prefix));
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.#exit) return Promise.reject(new Error(`${this.name} exited (${this.#exit.code ?? this.#exit.signal}); stderr: ${this.#stderr}`));
    return new Promise((resolve, reject) => this.#waiters.push({ test: (l) => l.startsWith(prefix), resolve, reject }));
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  /** Resolves when the child exits with code 0; rejects with its stderr otherwise. */
  async succeeded(): Promise<void> {
    const { code, signal } = await this.exited;
    if (code !== 0) throw new Error(`${this.name} failed (${code ?? signal}): ${this.#stderr}`);
  }

  /** SIGTERM, then the exit. */
  async stop(): Promise<ChildExit> {
    if (this.running) this.process.kill('SIGTERM');
    return this.exited;
  }
}

/** The real `imstats serve` on 127.0.0.1, a free port (the frequency limit out of the way: tests poll fast). */
export function imstatsServe(dbUrl: string): Child {
  return new Child('imstats serve', './imstats-cli.js', ['serve', '--db', dbUrl, '--host', '127.0.0.1', '--port', '0', '--rate-limit', '1000000', '--answer-cache-ms', '0']);
}

/** The base URL an `imstats serve` child printed. */
export async function serverUrl(server: Child): Promise<string> {
  const line = await server.waitFor('imstats listening on ');
  return /listening on (\S+)/.exec(line)![1]!;
}
