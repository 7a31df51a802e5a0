// The query page's hover on a metric name: what the page may ask (a bounded, one-line name, nothing
// else) and what the host answers (the .promql hover's text as parts, nothing for unknown names).
import { strict as assert } from 'node:assert';
import { hoverParts, nameInfoAnswer } from '../../src/core/promql/nameInfo';
import { isHostMessage, isNameInfoRequest, maxMetricNameLength, parsePageMessage } from '../../src/core/protocol/query';

describe('the query page asking what a metric name is', () => {
  const ask = { type: 'nameInfo', id: 7, name: 'http_server_request_duration_seconds_count' };

  it('accepts a legacy or a UTF-8 metric name', () => {
    assert.deepEqual(parsePageMessage(ask), ask);
    assert.ok(isNameInfoRequest({ ...ask, name: 'http.server.request.duration_seconds_count' }));
    assert.ok(isNameInfoRequest({ ...ask, name: 'x'.repeat(maxMetricNameLength) }));
  });

  it('refuses an empty, overlong, multi-line or malformed request', () => {
    for (const bad of [
      { ...ask, name: '' },
      { ...ask, name: 'x'.repeat(maxMetricNameLength + 1) },
      { ...ask, name: 'up\nrate' },
      { ...ask, name: '\ud800' },
      { ...ask, name: 42 },
      { ...ask, id: -1 },
      { ...ask, id: 1.5 },
      { ...ask, extra: true },
      { type: 'nameInfo', id: 1 },
      'nameInfo',
    ])
      assert.equal(parsePageMessage(bad), undefined, JSON.stringify(bad));
  });

  it('answers with the instrument that gives the name, through the lab path', () => {
    const m = nameInfoAnswer({ type: 'nameInfo', id: 7, name: 'http_server_request_duration_seconds_count' });
    assert.ok(isHostMessage(m));
    assert.equal(m.id, 7);
    assert.deepEqual(m.lines[0], [
      { text: 'http_server_request_duration_seconds_count', code: true, strong: true },
      { text: ' comes from:' },
    ]);
    assert.ok(m.lines.flat().some((p) => p.code && p.text === 'http.server.request.duration'));
    const words = m.lines.map((l) => l.map((p) => p.text).join('')).join('\n');
    assert.match(words, /OTEL_SEMCONV_STABILITY_OPT_IN=http/);
    assert.match(words, /The lab's path .* gives this name\./);
  });

  it('reads a UTF-8 name as the quoted name it is in PromQL', () => {
    const m = nameInfoAnswer({ type: 'nameInfo', id: 1, name: 'http.server.request.duration_seconds_count' });
    assert.ok(m.lines.flat().some((p) => p.code && p.text === 'http.server.request.duration'));
    assert.match(m.lines.map((l) => l.map((p) => p.text).join('')).join('\n'), /NoUTF8EscapingWithSuffixes/);
  });

  it('answers with no lines for a name the translator knows nothing about', () => {
    for (const name of ['up', 'job', 'node_cpu_seconds_total'])
      assert.deepEqual(nameInfoAnswer({ type: 'nameInfo', id: 2, name }).lines, [], name);
  });

  it('turns the hover Markdown into code and words, never markup', () => {
    assert.deepEqual(hoverParts('**`a_b`** is `<b>x</b>`, **not** html'), [
      { text: 'a_b', code: true, strong: true },
      { text: ' is ' },
      { text: '<b>x</b>', code: true },
      { text: ', not html' },
    ]);
  });
});
