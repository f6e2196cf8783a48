import type { GetStatsBenchResult } from './getstats-bench.js';

/** One load run (wrk or autocannon) against one server. */
export interface LoadResult {
  readonly label: string;
  /** What served it: imstats (Fastify + SQLite) or the plain node:http server. */
  readonly server: 'imstats' | 'plain';
  /** pinned: server on core 0 and load generator on core 1 (taskset); unpinned: both placed by the scheduler. */
  readonly placement: 'pinned' | 'unpinned';
  /** What made the load: wrk (when installed) or autocannon (client-bound beyond about 10,000 req/s here). */
  readonly generator: 'wrk' | 'autocannon';
  /** Apps in the store (each with 30 days of statistics). */
  readonly appsInStore: number;
  /** Apps the requests rotate over. */
  readonly appsCalled: number;
  readonly userSig: 'reused' | 'per call' | 'none';
  readonly connections: number;
  readonly durationS: number;
  /** Answers that were complete getappinfo answers (HTTP 200, full size). */
  readonly requests: number;
  readonly rps: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** HTTP 200 answers too short to be the full answer (an error envelope such as 60007). */
  readonly shortAnswers: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Size of one full answer body. */
  readonly answerBytes: number;
  /** CPU used, in cores (1 = one core busy all the time). */
  readonly serverCores: number;
  readonly clientCores: number;
  /**
   * wrk only: the warm-up run, whose every answer was checked one by one (status, body size); the
   * measured run is then checked by its status errors and byte count (short answers estimated).
   */
  readonly sample?: { readonly answers: number; readonly short: number; readonly non2xx: number; readonly errors: number };
  /** UserSigs sent (warm-up included) and how many were distinct, for the per-call case. */
  readonly userSigs?: { readonly sent: number; readonly distinct: number };
}

/** One child process reading an NDJSON file: the JSON.parse floor (plain or through readline) or the whole pipeline. */
export interface IngestRun {
  readonly label: string;
  readonly mode: 'floor' | 'readline-floor' | 'pipeline' | 'pipeline-in-thread' | 'duckdb';
  readonly events: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly eventsPerS: number;
  /** Peak resident set size of the child (process.resourceUsage().maxRSS). */
  readonly maxRssBytes: number;
  /** CPU time of the child, in seconds (user + system). */
  readonly cpuS: number;
  readonly accepted?: number;
  readonly rejected?: number;
  /** DuckDB only: seconds of the one exact SQL query for the counted fields after the load. */
  readonly querySeconds?: number;
}

/** One size of the ingestion scaling series; estimated rows are extrapolated, not run. */
export interface ScaleIngestRow {
  readonly events: number;
  readonly estimated: boolean;
  /** How the estimate was made, when estimated; or, for a row taken from an earlier run (--scale-from), which run. */
  readonly basis?: string;
  readonly pipeline: IngestRun;
  readonly floor?: IngestRun;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly parts: readonly string[];
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemBytes: number;
    readonly node: string;
    readonly platform: string;
    /** One-minute load average when the suite started and ended: how busy the machine was with other work. */
    readonly loadAverage?: { readonly start: number; readonly end: number };
  };
  readonly notes: readonly string[];
  readonly getappinfo?: {
    /** The frequency limit the server ran with (raised from Tencent's 200/s so it never trips). */
    readonly rateLimit: number;
    /** Pinned (server core 0, load generator core 1): the plain yardstick and the imstats cases. */
    readonly plain: LoadResult;
    readonly reused: LoadResult;
    readonly perCall: LoadResult;
    /** 1,000 apps rotating, all answers cached. */
    readonly thousandApps: LoadResult;
    /** 10,000 apps rotating, beyond the answer cache. */
    readonly uncached: LoadResult;
    /** Plain and reused again with nothing pinned. */
    readonly unpinned: { readonly plain: LoadResult; readonly reused: LoadResult };
  };
  readonly ingest?: {
    readonly floor: IngestRun;
    /** The floor with ingestStream's line splitting (node:readline): how much of the gap is reading lines. */
    readonly readlineFloor?: IngestRun;
    readonly pipeline: IngestRun;
    /** ingestStream with everything in one thread (inThread): what the worker thread buys. */
    readonly pipelineInThread?: IngestRun;
    /** The peer: DuckDB loading the same file with read_json (then one exact query). */
    readonly duckdb?: IngestRun;
    /** The same pipeline into a fresh PostgreSQL database (the machine's server, loopback). */
    readonly postgres?: IngestRun;
    /** The same pipeline into a fresh MariaDB database (the machine's server, loopback). */
    readonly mysql?: IngestRun;
  };
  readonly scale?: {
    readonly ingest: readonly ScaleIngestRow[];
    readonly getappinfo: readonly LoadResult[];
  };
  /** Store size per active user-day and getstats latency (bench/getstats-bench.ts). */
  readonly getstats?: GetStatsBenchResult;
  readonly targets: readonly TargetCheck[];
}
