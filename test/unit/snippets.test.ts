import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../src/core/lint/engine';

const snippets = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'snippets', 'yaml.code-snippets'), 'utf8'),
) as Record<string, { prefix: string; body: string[] }>;

/** Expands ${1:default} placeholders to their defaults, as accepting a snippet with Tab does. */
const expand = (body: string[]): string => `${body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1')}\n`;

describe('snippets', () => {
  for (const [name, s] of Object.entries(snippets)) {
    it(`${s.prefix}: expands to a document that raises no error or warning`, () => {
      const text = expand(s.body);
      const file = s.prefix === 'obslab-kps-values' ? 'kube-prometheus-stack-values.yaml' : `${s.prefix}.yaml`;
      // The telemetry snippet is a fragment; lint it inside a collector config.
      const input =
        s.prefix === 'obslab-telemetry-readers'
          ? `receivers: {otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}}\nexporters: {debug: {}}\nservice:\n${text.trimEnd().replace(/^/gm, '  ')}\n  pipelines: {metrics: {receivers: [otlp], exporters: [debug]}}\n`
          : text;
      // The app sends to the collector Service, which the lab defines beside it.
      const beside =
        s.prefix === 'obslab-app'
          ? [
              {
                file: 'svc.yaml',
                text: 'apiVersion: v1\nkind: Service\nmetadata: {name: otel-collector, namespace: monitoring}\nspec:\n  ports: [{name: otlp-grpc, port: 4317}]\n',
              },
            ]
          : [];
      assert.deepEqual(
        lint([{ file, text: input }, ...beside])
          .filter((f) => f.severity !== 'info')
          .map((f) => `${name}: ${f.code} ${f.message}`),
        [],
      );
    });
  }
});
