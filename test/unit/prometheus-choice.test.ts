// Which Prometheus Query Prometheus (and a .promql file's Run lens, which runs it with the query)
// opens on, and the load test reads the server's figures from: the cluster's Prometheus through a
// running port-forward, else the running sandbox's, else none, and the command asks for a URL.
import { strict as assert } from 'node:assert';
import { choosePrometheus } from '../../src/core/prometheus/url';

const forwarded = 'http://127.0.0.1:9091';
const sandbox = 'http://127.0.0.1:9090';

describe('the Prometheus a query goes to', () => {
  it('takes the port-forwarded Prometheus first, even while the sandbox runs', () => {
    assert.deepEqual(choosePrometheus(forwarded, sandbox), { url: forwarded, from: 'forward' });
    assert.deepEqual(choosePrometheus(forwarded, undefined), { url: forwarded, from: 'forward' });
  });

  it("takes the sandbox's Prometheus when nothing is forwarded", () => {
    assert.deepEqual(choosePrometheus(undefined, sandbox), { url: sandbox, from: 'sandbox' });
  });

  it('chooses none when neither runs, so Query Prometheus asks for a URL', () => {
    assert.equal(choosePrometheus(undefined, undefined), undefined);
    assert.equal(choosePrometheus('', ''), undefined);
  });
});
