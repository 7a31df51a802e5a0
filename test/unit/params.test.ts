import { strict as assert } from 'node:assert';
import { defaultParams, validateParams } from '../../src/core/scaffold/params';

describe('lab parameters', () => {
  it('accepts the defaults', () => {
    assert.deepEqual(validateParams(defaultParams), []);
  });

  it('refuses a namespace that is not a DNS-1123 label, naming the flag', () => {
    const problems = validateParams({ ...defaultParams, appNamespace: 'My_App' });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.flag, '--app-namespace');
    assert.match(problems[0]?.message ?? '', /DNS-1123 label/);
  });

  it('refuses a namespace longer than 63 characters', () => {
    assert.match(
      validateParams({ ...defaultParams, monitoringNamespace: 'a'.repeat(64) })[0]?.message ?? '',
      /at most 63/,
    );
  });

  it('refuses a Helm release name longer than 53 characters or with capitals', () => {
    assert.match(validateParams({ ...defaultParams, helmRelease: 'r'.repeat(54) })[0]?.message ?? '', /at most 53/);
    assert.equal(validateParams({ ...defaultParams, helmRelease: 'Prometheus' })[0]?.flag, '--release');
  });

  it('refuses an image reference with spaces, a bad cluster name and a made-up region', () => {
    assert.equal(validateParams({ ...defaultParams, appImage: 'my image' })[0]?.flag, '--image');
    assert.equal(validateParams({ ...defaultParams, clusterName: '-x' })[0]?.flag, '--cluster');
    assert.equal(validateParams({ ...defaultParams, awsRegion: 'mars' })[0]?.flag, '--region');
    assert.deepEqual(validateParams({ ...defaultParams, awsRegion: 'us-gov-west-1' }), []);
  });

  it('keeps the app and monitoring namespaces apart', () => {
    assert.match(
      validateParams({ ...defaultParams, appNamespace: 'monitoring' })[0]?.message ?? '',
      /both 'monitoring'/,
    );
  });
});
