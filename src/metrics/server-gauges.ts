import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { COUNTED_FIELDS } from '../catalog/fields.js';
import type { CallbackInbox } from '../inbox/callback-inbox.js';
import { appToday, dailyReport } from '../report/daily-report.js';
import type { AppsRepo } from '../store/apps-repo.js';
import type { StatsRepo } from '../store/stats-repo.js';
import type { Store } from '../store/store.js';
import type { VerifiedUserSigCache } from '../usersig/index.js';
import { METRIC_PREFIX } from './registry.js';

/** What the Redis limit store tells the metrics (RedisLimitStore has both). */
export interface RedisStateSource {
  readonly state: 'connecting' | 'up' | 'down';
  readonly fallbackCalls: number;
  readonly failedCommands: { readonly timeouts: number; readonly errors: number };
  /** Reports every decision's duration and maker (RedisLimitStore does). */
  observeDecisions?(observer: (by: 'redis' | 'local', seconds: number) => void): void;
}

export interface ServerGaugeSources {
  readonly store: Store;
  readonly inbox: CallbackInbox;
  readonly userSigs: VerifiedUserSigCache;
  /** Absent without --redis (imstats_redis_configured 0). */
  readonly redis?: RedisStateSource;
  /** Today's counters of at most `max` apps (the enabled ones with the lowest SDKAppIDs); 0 or absent: none. */
  readonly liveApps?: { readonly max: number; readonly apps: Pick<AppsRepo, 'list'>; readonly stats: StatsRepo; readonly nowMs: () => number };
}

/** A scrape waits at most this for the database (inbox depth, per-app counters): 2 s. */
export const SCRAPE_QUERY_TIMEOUT_MS = 2000;

/**
 * The gauges read at scrape time: callback inbox depth, database pool use, Redis state and
 * fallback decisions, UserSig cache hits, and (with --metrics-apps) today's counters per app.
 * A database that does not answer keeps the last values (the scrape does not fail).
 */
export function registerServerGauges(registry: Registry, sources: ServerGaugeSources): void {
  const { store, inbox, userSigs, redis, liveApps } = sources;
  new Gauge({
    name: `${METRIC_PREFIX}callback_inbox_depth`,
    help: 'Webhook deliveries stored and answered but not yet applied (all nodes sharing the database)',
    registers: [registry],
    async collect() {
      const size = await withTimeout(inbox.size());
      if (size !== undefined) this.set(size);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}db_pool_connections`,
    help: 'Database pool of this node: max (size), open, idle, in_use connections and waiting queries (absent on SQLite)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = store.dialect.poolStats();
      if (!pool) return;
      this.set({ state: 'max' }, pool.max);
      this.set({ state: 'open' }, pool.open);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'in_use' }, pool.open - pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}redis_configured`,
    help: '1 when this node shares limits and changes through Redis (--redis), else 0',
    registers: [registry],
    collect() {
      this.set(redis ? 1 : 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}redis_up`,
    help: '1 while Redis decides the limits (shared by all nodes); 0 while this node decides alone (Redis away or connecting)',
    registers: [registry],
    collect() {
      this.set(redis?.state === 'up' ? 1 : 0);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}redis_fallback_decisions_total`,
    help: 'Limit and brake decisions made by this node alone because Redis was away',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(redis?.fallbackCalls ?? 0);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}redis_failed_commands_total`,
    help: 'Redis limit commands that timed out (each made one call wait the --redis-timeout-ms) or failed otherwise',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ kind: 'timeout' }, redis?.failedCommands.timeouts ?? 0);
      this.inc({ kind: 'error' }, redis?.failedCommands.errors ?? 0);
    },
  });
  if (redis?.observeDecisions) {
    const decisions = new Histogram({
      name: `${METRIC_PREFIX}limit_decision_seconds`,
      help: 'Time one limit or brake decision took, by who made it: redis (shared) or local (this node alone, Redis away)',
      labelNames: ['by'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    });
    redis.observeDecisions((by, seconds) => decisions.observe({ by }, seconds));
  }
  new Counter({
    name: `${METRIC_PREFIX}usersig_cache_lookups_total`,
    help: 'UserSig checks answered from the verified-UserSig cache (hit) or verified afresh (miss)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'hit' }, userSigs.stats.hits);
      this.inc({ result: 'miss' }, userSigs.stats.misses);
    },
  });
  if (liveApps && liveApps.max > 0) {
    new Gauge({
      name: `${METRIC_PREFIX}app_today`,
      help: `Today's value of each counted field, per app (the ${liveApps.max} enabled apps with the lowest SDKAppIDs), in the app's time zone`,
      labelNames: ['sdkappid', 'field'],
      registers: [registry],
      async collect() {
        const values = await withTimeout(todayValues(liveApps));
        if (values === undefined) return;
        this.reset();
        for (const [sdkappid, field, value] of values) this.set({ sdkappid, field }, value);
      },
    });
  }
}

async function todayValues(live: NonNullable<ServerGaugeSources['liveApps']>): Promise<[string, string, number][]> {
  const apps = (await live.apps.list()).filter((a) => a.enabled).sort((a, b) => a.sdkappid - b.sdkappid).slice(0, live.max);
  const now = live.nowMs();
  const out: [string, string, number][] = [];
  for (const app of apps) {
    const today = appToday(app, now);
    const [day] = await dailyReport(live.stats, app, { from: today, to: today });
    if (!day) continue;
    for (const field of COUNTED_FIELDS) out.push([String(app.sdkappid), field, Number(day[field])]);
  }
  return out;
}

/** The value, or undefined when it failed or took longer than SCRAPE_QUERY_TIMEOUT_MS. */
async function withTimeout<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SCRAPE_QUERY_TIMEOUT_MS)));
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
