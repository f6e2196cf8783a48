// Tests only: the real `imstats serve` as a child process.
import { Child } from '../support/child.js';

/** The real `imstats serve` on 127.0.0.1, a free port (the frequency limit out of the way: tests poll fast). */
export function imstatsServe(dbUrl: string): Child {
  return new Child(new URL('./imstats-cli.js', import.meta.url), ['serve', '--db', dbUrl, '--host', '127.0.0.1', '--port', '0', '--rate-limit', '1000000', '--answer-cache-ms', '0'], { name: 'imstats serve' });
}

/** The base URL an `imstats serve` child printed. */
export async function serverUrl(server: Child): Promise<string> {
  const rest = await server.waitFor('imstats listening on ');
  return /^\S+/.exec(rest)![0];
}
