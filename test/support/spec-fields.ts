// The 32 getappinfo fields as the specification names them (shared/spec/metrics.md, "## Fields"
// table), so tests pin the catalog to the spec instead of to itself.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** shared/spec/ beside the checkout (main: ../shared, a worktree: ../../shared), or IMSTATS_SPEC_DIR; undefined when neither. */
export function sharedSpecDir(): string | undefined {
  if (process.env.IMSTATS_SPEC_DIR) return process.env.IMSTATS_SPEC_DIR;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'spec');
    if (existsSync(join(candidate, 'metrics.md'))) return candidate;
  }
  return undefined;
}

/**
 * The copy of the spec's metrics.md kept in the repository (test/fixtures/spec/), so a clone
 * without the shared folder (CI) tests against the same text; spec-copy.test.ts keeps it equal to
 * shared/spec/metrics.md wherever that is present.
 */
export const SPEC_COPY = fileURLToPath(new URL('../../../test/fixtures/spec/metrics.md', import.meta.url));

export interface SpecField {
  readonly name: string;
  readonly kind: string;
}

/** The rows of metrics.md's field table, in the spec's order. */
export function specFields(): SpecField[] {
  const text = readFileSync(SPEC_COPY, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Fields'));
  if (!section) throw new Error('metrics.md has no "## Fields" section');
  return section
    .split('\n')
    .filter((line) => /^\| *[A-Za-z0-9]+ *\|/.test(line) && !/^\| *Field *\|/.test(line))
    .map((line) => {
      const [name, kind] = line.split('|').slice(1, 3).map((c) => c.trim());
      return { name: name!, kind: kind! };
    });
}

/** The 32 names in wire order: byte-wise sorted (api.md: keys are emitted in byte-wise sorted order). */
export function specFieldNamesInWireOrder(): string[] {
  return specFields()
    .map((f) => f.name)
    .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0));
}
