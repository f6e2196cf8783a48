import type { Store } from '../store/store.js';
import { guard, toNumber } from '../store/store-error.js';
import type { ConsoleTokensTable } from '../store/schema.js';
import { AppError } from '../store/apps-repo.js';
import { generateToken } from './console-token.js';
import type { Selectable } from 'kysely';

/** A console token as stored (never the token itself). */
export interface ConsoleToken {
  readonly id: string;
  readonly name: string;
  /** The one app it reads; null for an operator token (every app). */
  readonly sdkappid: number | null;
  /** Unix milliseconds, as every time here. */
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
  /** Lowercase hex SHA-256 of the token. */
  readonly hash: string;
}

export interface NewConsoleToken {
  /** The app it reads, or null for every app. */
  readonly sdkappid: number | null;
  readonly name?: string;
  readonly expiresAt?: number | null;
  readonly now: number;
}

/** Longest token name accepted (the column is varchar(255)). */
export const MAX_TOKEN_NAME = 255;

function row(r: Selectable<ConsoleTokensTable>): ConsoleToken {
  const maybe = (v: unknown, column: string) => (v === null || v === undefined ? null : toNumber(v, column));
  return {
    id: r.id,
    name: r.name,
    sdkappid: maybe(r.sdkappid, 'console_tokens.sdkappid'),
    createdAt: toNumber(r.created_at, 'console_tokens.created_at'),
    expiresAt: maybe(r.expires_at, 'console_tokens.expires_at'),
    lastUsedAt: maybe(r.last_used_at, 'console_tokens.last_used_at'),
    revokedAt: maybe(r.revoked_at, 'console_tokens.revoked_at'),
    hash: r.token_hash,
  };
}

/** The console_tokens table: create, list, revoke, read one, note a use. */
export class TokensRepo {
  constructor(private readonly store: Store) {}

  #guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    return guard(this.store.dialect, what, run);
  }

  /** Stores a new token's hash and returns the token (the only time it exists in full). */
  async create(spec: NewConsoleToken): Promise<{ readonly token: string; readonly record: ConsoleToken }> {
    const name = spec.name ?? '';
    if (name.length > MAX_TOKEN_NAME) throw new AppError(`token name must be at most ${MAX_TOKEN_NAME} characters, got ${name.length}`);
    if (spec.expiresAt !== undefined && spec.expiresAt !== null && !(spec.expiresAt > spec.now)) {
      throw new AppError('token expiry must be in the future');
    }
    const fresh = generateToken();
    await this.#guard('creating a console token', () =>
      this.store.db
        .insertInto('console_tokens')
        .values({
          id: fresh.id,
          name,
          token_hash: fresh.hash,
          sdkappid: spec.sdkappid,
          created_at: spec.now,
          expires_at: spec.expiresAt ?? null,
          last_used_at: null,
          revoked_at: null,
        })
        .execute(),
    );
    return { token: fresh.token, record: (await this.get(fresh.id))! };
  }

  async get(id: string): Promise<ConsoleToken | undefined> {
    const found = await this.#guard('reading a console token', () => this.store.db.selectFrom('console_tokens').selectAll().where('id', '=', id).executeTakeFirst());
    return found === undefined ? undefined : row(found);
  }

  /** Every token, revoked ones included, oldest first. */
  async list(): Promise<ConsoleToken[]> {
    const rows = await this.#guard('listing console tokens', () => this.store.db.selectFrom('console_tokens').selectAll().orderBy('created_at').orderBy('id').execute());
    return rows.map(row);
  }

  /** Marks a token revoked; every later check refuses it. Revoking twice is an error naming the first time. */
  async revoke(id: string, now: number): Promise<ConsoleToken> {
    const token = await this.get(id);
    if (!token) throw new AppError(`console token ${JSON.stringify(id)} does not exist (see imstats token list)`);
    if (token.revokedAt !== null) throw new AppError(`console token ${id} was already revoked at ${new Date(token.revokedAt).toISOString()}`);
    await this.#guard('revoking a console token', () => this.store.db.updateTable('console_tokens').set({ revoked_at: now }).where('id', '=', id).execute());
    return (await this.get(id))!;
  }

  /** Records a use (only ever moves forward). */
  async touch(id: string, now: number): Promise<void> {
    await this.#guard('noting a console token use', () =>
      this.store.db
        .updateTable('console_tokens')
        .set({ last_used_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now)]))
        .execute(),
    );
  }
}
