// The doctor's own PromQL (src/node/doctor/prometheus.ts) means the same on Prometheus 2 and 3:
// none of it matches `le` or `quantile`, whose values Prometheus 3 stores as floats.
import { strict as assert } from 'node:assert';
import { floatLabelRewrites } from '../../src/core/promql/bucketLabels';
import { doctorQueries } from '../../src/node/doctor/prometheus';

describe("the doctor's own queries on Prometheus 3", () => {
  it('need no le or quantile rewrite, in the sandbox and in a cluster', () => {
    for (const window of ['30s', '3m']) {
      const queries = doctorQueries('service="otel-collector", namespace="monitoring"', window);
      for (const [name, expr] of Object.entries(queries)) assert.deepEqual(floatLabelRewrites(expr), [], name);
    }
  });
});
