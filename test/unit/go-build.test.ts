// The harness' wrapper-module build (test/harness/goBuild.ts): the go.mod and tools.go it writes
// for Prometheus 3.14.0 (the real build is exercised by test/integration/prometheus3.test.ts),
// and that a cached build is only trusted with its marker, its spec and its binaries.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goBinary, goBuildDir, goMainBuilt, wrapperGoMod, wrapperToolsGo } from '../harness/goBuild';
import { markInstalled } from '../harness/lib';
import { prometheusBuild, prometheusModuleVersion } from '../harness/prometheus';
import { useTempCache } from '../support/tempCache';

describe('harness: a Go main package built through a wrapper module', () => {
  useTempCache('obslab-go-build-', () => undefined);

  it('numbers Prometheus 3.x modules as v0.3xx.y', () => {
    assert.equal(prometheusModuleVersion('3.14.0'), 'v0.314.0');
    assert.equal(prometheusModuleVersion('3.5.1'), 'v0.305.1');
  });

  it("requires Prometheus' module with the replace it needs, and imports its main package only for go mod tidy", () => {
    const mod = wrapperGoMod(prometheusBuild);
    assert.match(mod, /^module obslab\.local\/build\/prometheus-3\.14\.0$/m);
    assert.match(mod, /^\tgithub\.com\/prometheus\/prometheus v0\.314\.0$/m);
    assert.match(mod, /^replace cloud\.google\.com\/go => cloud\.google\.com\/go v0\.123\.0$/m);
    const tools = wrapperToolsGo(prometheusBuild);
    assert.match(tools, /^\/\/go:build tools$/m);
    assert.match(tools, /_ "github\.com\/prometheus\/prometheus\/cmd\/prometheus"/);
  });

  it('trusts a cached build only with its marker, the same spec and every binary', () => {
    const spec = { ...prometheusBuild, cacheName: 'go-build-unit' };
    const dir = goBuildDir(spec);
    assert.ok(!goMainBuilt(spec));
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(goBinary(spec, 'prometheus'), '');
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...spec, timeoutMs: undefined }, null, 2));
    assert.ok(!goMainBuilt(spec), 'no marker: an interrupted build');
    markInstalled(dir);
    assert.ok(goMainBuilt(spec));
    assert.ok(!goMainBuilt({ ...spec, ldflags: ['-s'] }), 'another spec builds again');
  });
});
