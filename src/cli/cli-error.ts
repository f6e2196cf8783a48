/**
 * A mistake by the person at the terminal (bad flag value, missing file, unknown app): printed as
 * one line, no stack trace, exit status 1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}
