import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openRestHarness } from '../../test/support/rest-test-harness.js';
import { ConsumeStats } from '../bus/consume-stats.js';
import { registerConsumeMetrics } from './consume-metrics.js';
import { IngestMetrics } from './ingest-metrics.js';
import { newMetricsRegistry } from './registry.js';

test('every series the Grafana dashboard queries is one imstats exports (the dashboard and the code do not drift apart)', async () => {
  const dashboard = JSON.parse(readFileSync(new URL('../../../deploy/grafana/imstats.json', import.meta.url), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\b((?:imstats|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!))));
  const registry = newMetricsRegistry();
  const h = await openRestHarness('sqlite', { metrics: { registry, apps: 1, redis: { state: 'up', fallbackCalls: 0, failedCommands: { timeouts: 0, errors: 0 }, observeDecisions: () => {} } } });
  try {
    await h.app.ready();
    // What `imstats consume --metrics-port` registers (src/cli/commands/consume.ts does the same).
    const consumer = newMetricsRegistry();
    new IngestMetrics(consumer);
    registerConsumeMetrics(consumer, { stats: new ConsumeStats([{ partition: 0, consumer: 'imstats-p0' }]), refreshLag: async () => {} });
    const exported = new Set([...registry.getMetricsAsArray(), ...consumer.getMetricsAsArray()].map((m) => m.name));
    for (const name of queried) {
      const base = name.replace(/_(bucket|count|sum)$/, '');
      assert.ok(exported.has(name) || exported.has(base), `the dashboard queries ${name}, which nothing exports`);
    }
    assert.ok(queried.size >= 10);
  } finally {
    await h.close();
  }
});
