import { strict as assert } from 'node:assert';
import {
  autoStep,
  isHostMessage,
  isLabelValuesRequest,
  isLoadTargetsMessage,
  isReadyMessage,
  isRunQueryMessage,
  isStartSandboxMessage,
  maxExprLength,
  parsePageMessage,
} from '../../src/core/protocol/query';
import {
  isLoadtestHostMessage,
  isLoadtestStopMessage,
  parseLoadtestPageMessage,
} from '../../src/core/protocol/loadtest';

describe('query webview messages', () => {
  const run = {
    type: 'runQuery',
    id: 3,
    expr: 'sum(rate(http_server_request_duration_seconds_count[1m]))',
    mode: 'range',
    range: '15m',
  };

  it('accepts each well-formed page message', () => {
    assert.ok(isReadyMessage({ type: 'ready' }));
    assert.ok(isRunQueryMessage(run));
    assert.ok(isRunQueryMessage({ ...run, mode: 'instant', range: '5m', id: 0 }));
    assert.ok(isLoadTargetsMessage({ type: 'loadTargets' }));
    assert.ok(isLabelValuesRequest({ type: 'labelValues', id: 1, label: 'http_route' }));
    assert.ok(isStartSandboxMessage({ type: 'startSandbox' }));
    assert.deepEqual(parsePageMessage(run), run);
  });

  it('rejects a query message with a wrong or missing field', () => {
    for (const bad of [
      { ...run, id: -1 },
      { ...run, id: 1.5 },
      { ...run, id: '3' },
      { ...run, expr: '' },
      { ...run, expr: '   ' },
      { ...run, expr: 42 },
      { ...run, expr: 'x'.repeat(maxExprLength + 1) },
      { ...run, mode: 'both' },
      { ...run, range: '2d' },
      { type: 'runQuery', id: 1, expr: 'up', mode: 'instant' },
      { ...run, headers: { authorization: 'Bearer x' } },
    ]) {
      assert.equal(isRunQueryMessage(bad), false, JSON.stringify(bad).slice(0, 120));
      assert.equal(parsePageMessage(bad), undefined);
    }
  });

  it('rejects unknown kinds, non-objects and extra fields', () => {
    for (const bad of [
      null,
      undefined,
      'ready',
      7,
      [],
      [{ type: 'ready' }],
      {},
      { type: 'exec', command: 'rm -rf /' },
      { type: 'ready', extra: 1 },
      { type: 'loadTargets', url: 'http://evil' },
    ]) {
      assert.equal(parsePageMessage(bad), undefined, JSON.stringify(bad) ?? String(bad));
    }
  });

  it('accepts only label names Prometheus 3 could have in a label values request', () => {
    // Any UTF-8 name is a Prometheus 3 label name; the client escapes it into one path segment
    // (`U__` + code points), so even '../../admin' stays a label name (test/unit/query-prometheus3.test.ts).
    assert.equal(isLabelValuesRequest({ type: 'labelValues', id: 1, label: '../../admin' }), true);
    assert.equal(isLabelValuesRequest({ type: 'labelValues', id: 1, label: '' }), false);
    assert.equal(isLabelValuesRequest({ type: 'labelValues', id: 1, label: '__name__' }), true);
  });

  it('tells host messages from stray ones on the page', () => {
    assert.ok(isHostMessage({ type: 'names', metrics: [], labels: [] }));
    assert.equal(isHostMessage({ type: 'runQuery' }), false);
    assert.equal(isHostMessage('init'), false);
  });

  it('picks a range step of about 240 points, at least a second', () => {
    assert.equal(autoStep(300), 2);
    assert.equal(autoStep(3600), 15);
    assert.equal(autoStep(10), 1);
  });
});

describe('load-test webview messages', () => {
  it('accepts only "ready" and "stop" from the page', () => {
    assert.ok(isLoadtestStopMessage({ type: 'stop' }));
    assert.deepEqual(parseLoadtestPageMessage({ type: 'stop' }), { type: 'stop' });
    assert.deepEqual(parseLoadtestPageMessage({ type: 'ready' }), { type: 'ready' });
  });

  it('rejects other kinds, extra fields and non-objects', () => {
    assert.equal(isLoadtestStopMessage({ type: 'stop', now: true }), false);
    assert.equal(
      parseLoadtestPageMessage({ type: 'runQuery', id: 1, expr: 'up', mode: 'instant', range: '5m' }),
      undefined,
    );
    assert.equal(parseLoadtestPageMessage({ type: 'start' }), undefined);
    assert.equal(parseLoadtestPageMessage('stop'), undefined);
    assert.equal(parseLoadtestPageMessage(null), undefined);
    assert.equal(parseLoadtestPageMessage([{ type: 'stop' }]), undefined);
  });

  it('tells host messages from stray ones on the page', () => {
    for (const type of ['start', 'progress', 'server', 'stopping', 'summary', 'error'])
      assert.ok(isLoadtestHostMessage({ type }));
    assert.equal(isLoadtestHostMessage({ type: 'queryResult' }), false);
    assert.equal(isLoadtestHostMessage('progress'), false);
  });
});
