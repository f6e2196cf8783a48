import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openRestHarness } from '../../test/support/rest-test-harness.js';
import { newMetricsRegistry } from './registry.js';

/** Series exported by other processes (imstats consume, issue 17's NATS half), not by serve. */
const FROM_CONSUMERS = new Set(['imstats_jetstream_pending_messages']);

test('every series the Grafana dashboard queries is one imstats exports (the dashboard and the code do not drift apart)', async () => {
  const dashboard = JSON.parse(readFileSync(new URL('../../../deploy/grafana/imstats.json', import.meta.url), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\b((?:imstats|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!))));
  const registry = newMetricsRegistry();
  const h = await openRestHarness('sqlite', { metrics: { registry, apps: 1, redis: { state: 'up', fallbackCalls: 0, failedCommands: { timeouts: 0, errors: 0 }, observeDecisions: () => {} } } });
  try {
    await h.app.ready();
    const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
    for (const name of queried) {
      const base = name.replace(/_(bucket|count|sum)$/, '');
      assert.ok(exported.has(name) || exported.has(base) || FROM_CONSUMERS.has(name), `the dashboard queries ${name}, which nothing exports`);
    }
    assert.ok(queried.size >= 10);
  } finally {
    await h.close();
  }
});
