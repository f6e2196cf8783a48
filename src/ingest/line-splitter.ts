import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines exactly as node:readline does with `crlfDelay: Infinity` (what
 * the in-thread ingestStream reads with): UTF-8 decoded by a StringDecoder (so broken sequences
 * become U+FFFD the same way), lines ended by \n, \r\n or a lone \r, and a last line without an
 * ending still a line when it is not empty. Written here because readline offers no way to take
 * lines from bytes handed over by another thread, and splitting with indexOf is faster.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  /** The text after the last line ending (a trailing \r waits for a possible \n). */
  #rest = '';

  /**
   * The lines completed by `bytes`, and when they were all ended by \n the text they were cut
   * from (each line followed by \n from its start), so a batch can hash a span of it whole.
   */
  push(bytes: Uint8Array): { readonly lines: string[]; readonly text?: string } {
    const text = this.#rest + this.#decoder.write(bytes as Buffer);
    const lines: string[] = [];
    let from = 0;
    if (text.indexOf('\r') < 0) {
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        lines.push(text.slice(from, nl));
        from = nl + 1;
      }
      this.#rest = text.slice(from);
      return { lines, text };
    } else {
      const ending = /\r\n|\r|\n/g;
      for (let m = ending.exec(text); m; m = ending.exec(text)) {
        // A \r at the very end may be the first half of a \r\n split across chunks.
        if (m[0] === '\r' && m.index === text.length - 1) break;
        lines.push(text.slice(from, m.index));
        from = m.index + m[0].length;
      }
    }
    this.#rest = text.slice(from);
    return { lines };
  }

  /** The lines that end with the input: the rest split, a last line without an ending included when not empty. */
  end(): string[] {
    const text = this.#rest + this.#decoder.end();
    this.#rest = '';
    const lines: string[] = [];
    let from = 0;
    const ending = /\r\n|\r|\n/g;
    for (let m = ending.exec(text); m; m = ending.exec(text)) {
      lines.push(text.slice(from, m.index));
      from = m.index + m[0].length;
    }
    if (from < text.length) lines.push(text.slice(from));
    return lines;
  }

  /** The input failed: only a line already ended counts (one ended by a final \r). */
  abort(): string[] {
    const rest = this.#rest;
    this.#rest = '';
    return rest.endsWith('\r') ? [rest.slice(0, -1)] : [];
  }
}
