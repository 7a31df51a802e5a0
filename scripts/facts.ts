// npm run facts: asks the registries this machine reaches (the Go module proxy, PyPI, Maven Central,
// npm, each as the machine's own configuration names it) for the newest version of every part the
// repository pins, and prints what has moved (pinned → newest) for whoever refreshes the pins and
// re-checks the dated facts in src/core/facts.ts and src/core/collector/versions.ts. It reads each
// pin from where it lives; it changes nothing. Exit 0 when every registry answered, 1 otherwise.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { versions } from '../src/core/facts';
import { CODE_SERVER_VERSION, NODE_VERSION } from '../test/harness/codeserver';
import { helmVersions } from '../test/harness/helm';
import { JMETER_VERSION } from '../test/harness/jmeter';
import { kubeVersions } from '../test/harness/kube';
import { motoVersion } from '../test/harness/moto';
import { collectorBuild, collectorVersions } from '../test/harness/otelcol';
import * as prometheusHarness from '../test/harness/prometheus';
import {
  askGo,
  askMaven,
  askNpm,
  askPypi,
  goproxyDescription,
  mavenRepository,
  npmRegistryDescription,
  pipIndex,
} from './facts/ask';
import { pinsOf, unaskedOf, type Pin, type PinSources } from './facts/pins';
import { redactUrl } from './facts/registryConfig';
import { judge, reportText, type Answer, type PinResult } from './facts/report';

/**
 * The Prometheus and operator pins came with the harness's Prometheus 3 parts; read as optional
 * exports, so the script still runs (and says there is no pin) where a checkout lacks them.
 */
function prometheusPins(): Pick<PinSources, 'prometheus' | 'operator'> {
  const p = prometheusHarness as Record<string, unknown>;
  const version = p['PROMETHEUS_VERSION'];
  const moduleOf = p['prometheusModuleVersion'];
  const prometheus =
    typeof version === 'string' && typeof moduleOf === 'function'
      ? { version, module: String((moduleOf as (v: string) => unknown)(version)) }
      : undefined;
  const operatorFile = join(__dirname, '..', 'test', 'harness', 'operator.ts');
  let operator: string | undefined;
  if (existsSync(operatorFile)) {
    // Loaded through require, which tsx's CommonJS hook serves both under `tsx` and `node --require tsx/cjs`.
    const mod = createRequire(__filename)(operatorFile) as Record<string, unknown>;
    operator = typeof mod['OPERATOR_VERSION'] === 'string' ? mod['OPERATOR_VERSION'] : undefined;
  }
  return { ...(prometheus ? { prometheus } : {}), ...(operator ? { operator } : {}) };
}

function sources(): PinSources {
  const builds: PinSources['collector']['builds'] = {};
  for (const version of Object.values(collectorVersions)) builds[version] = collectorBuild(version);
  return {
    collector: { versions: { ...collectorVersions }, builds },
    facts: versions,
    ...prometheusPins(),
    kube: kubeVersions,
    helm: { ...helmVersions },
    jmeter: JMETER_VERSION,
    codeServer: CODE_SERVER_VERSION,
    node: NODE_VERSION,
    moto: motoVersion,
    requirements: readFileSync(join(__dirname, '..', 'templates', 'app', 'requirements.txt'), 'utf8'),
  };
}

/** Runs `work` over `items`, at most `limit` at a time (the machine has two cores and other work). */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main(): Promise<number> {
  const src = sources();
  const pins = pinsOf(src);
  const [goproxy, npmRegistry, index] = await Promise.all([goproxyDescription(), npmRegistryDescription(), pipIndex()]);
  const maven = mavenRepository();

  // One question per module or package, shared by the pins that name it.
  const asked = new Map<string, Promise<Answer>>();
  const answerFor = (pin: Pin): Promise<Answer> => {
    // Go is asked per pin too: whether the proxy serves the pinned version when its list lacks it.
    const key = `${pin.registry}:${pin.name}${pin.registry === 'go' ? `@${pin.pinned}` : ''}`;
    let p = asked.get(key);
    if (!p) {
      p =
        pin.registry === 'go'
          ? askGo(pin.name, pin.pinned)
          : pin.registry === 'npm'
            ? askNpm(pin.name)
            : pin.registry === 'pypi'
              ? askPypi(index, pin.name)
              : askMaven(maven, pin.name);
      asked.set(key, p);
    }
    return p;
  };
  const results: PinResult[] = await mapLimited(pins, 4, async (pin) => judge(pin, await answerFor(pin)));

  process.stdout.write(
    reportText({
      date: new Date().toISOString().slice(0, 10),
      registries: { go: goproxy, pypi: redactUrl(index), maven: redactUrl(maven), npm: npmRegistry },
      results,
      unasked: unaskedOf(src),
    }),
  );
  return results.some((r) => r.verdict === 'unanswered') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`npm run facts could not finish: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
