// obslab-lab.json comes with a lab folder from anywhere: it is read by the scaffold's own rules,
// and a hostile or broken one is refused with the field and the rule, never used (exit 2 in the CLI).
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main';
import { defaultParams } from '../../src/core/scaffold/params';
import {
  checkLabManifest,
  foldersUpToLab,
  labManifestName,
  parseLabManifest,
  planLabFiles,
} from '../../src/core/scaffold/plan';
import {
  findLabFolderAbove,
  findLabManifest,
  findLabManifestFile,
  LabManifestError,
  loadLabManifest,
} from '../../src/node/files/labManifest';
import { templateReader } from '../../src/node/files/labFiles';
import { useTempCache } from '../support/tempCache';

const pwned = join(tmpdir(), `obslab-pwned-${process.pid}`);
const good = { kind: 'observability-lab', version: 1, params: { ...defaultParams }, files: ['COMMANDS.md'] };
const hostile = { ...good, params: { ...defaultParams, helmRelease: `x; touch ${pwned}` } };

function problems(value: unknown): string[] {
  const r = checkLabManifest(typeof value === 'string' ? value : JSON.stringify(value));
  return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
}

describe("obslab-lab.json: validated by the scaffold's rules", () => {
  it('accepts the manifest the scaffold writes', () => {
    const written =
      planLabFiles(defaultParams, templateReader()).find((f) => f.path === labManifestName)?.content ?? '';
    const r = checkLabManifest(written);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.manifest.params, defaultParams);
  });

  it('refuses a release name with shell text in it, naming the field and the rule', () => {
    assert.deepEqual(problems(hostile), [
      `params.helmRelease: 'x; touch ${pwned}' is not a valid Helm release name: use lower-case letters, digits, '-' and '.'`,
    ]);
    assert.equal(parseLabManifest(JSON.stringify(hostile)), undefined);
  });

  it('refuses a manifest without params, saying what params holds', () => {
    const noParams: Record<string, unknown> = { ...good };
    delete noParams['params'];
    assert.deepEqual(problems(noParams), [
      "params: is missing: it holds the lab's names (appNamespace, monitoringNamespace, helmRelease, appImage, clusterName, awsRegion)",
    ]);
  });

  it('refuses wrong types, missing names, bad namespaces and images, and one namespace for both', () => {
    const p = (params: Record<string, unknown>): string[] =>
      problems({ ...good, params: { ...defaultParams, ...params } });
    assert.deepEqual(p({ helmRelease: 7 }), ['params.helmRelease: must be a string (is number)']);
    assert.deepEqual(p({ appNamespace: ['app'] }), ['params.appNamespace: must be a string (is a list)']);
    assert.match(
      p({ monitoringNamespace: 'Monitoring/../x' })[0] ?? '',
      /^params\.monitoringNamespace: 'Monitoring\/\.\.\/x' is not a DNS-1123 label/,
    );
    assert.match(p({ appImage: 'img:1 --privileged' })[0] ?? '', /^params\.appImage: .* contains white space/);
    assert.match(p({ awsRegion: '$(id)' })[0] ?? '', /^params\.awsRegion: '\$\(id\)' is not an AWS region name/);
    assert.match(
      p({ monitoringNamespace: 'app' })[0] ?? '',
      /^params\.appNamespace: the app and monitoring namespaces are both 'app'/,
    );
    const missing: Record<string, unknown> = { ...defaultParams };
    delete missing['clusterName'];
    assert.match(problems({ ...good, params: missing })[0] ?? '', /^params\.clusterName: is missing/);
    assert.deepEqual(problems({ ...good, params: 'prometheus' }), [
      "params: must be an object: it holds the lab's names (appNamespace, monitoringNamespace, helmRelease, appImage, clusterName, awsRegion)",
    ]);
  });

  it('refuses what is not a lab manifest at all', () => {
    assert.match(problems('{ not json')[0] ?? '', /^\(file\): not JSON/);
    assert.deepEqual(problems([]), ['(file): not a JSON object']);
    assert.deepEqual(problems({ ...good, kind: 'other', version: 2 }), [
      'kind: must be "observability-lab" (is "other")',
      'version: must be 1 (is 2)',
    ]);
    assert.deepEqual(problems({ ...good, files: 'COMMANDS.md' }), ['files: must be a list of file names']);
  });

  describe('on disk and on the command line', () => {
    let dir: string;
    useTempCache('obslab-manifest-', (d) => (dir = d));
    after(() => rmSync(pwned, { force: true }));

    function lab(name: string, manifest: unknown): string {
      const d = join(dir, name);
      mkdirSync(join(d, 'k8s'), { recursive: true });
      writeFileSync(join(d, labManifestName), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
      return d;
    }

    it('loadLabManifest throws the message for a hostile file found above a lab file; findLabManifest passes over it', () => {
      const d = lab('hostile', hostile);
      assert.throws(
        () => loadLabManifest(join(d, 'k8s')),
        (e: unknown) =>
          e instanceof LabManifestError &&
          e.file === join(d, labManifestName) &&
          /params\.helmRelease: 'x; touch .*' is not a valid Helm release name/.test(e.message) &&
          /create the lab files again/.test(e.message),
      );
      assert.equal(findLabManifest(join(d, 'k8s')), undefined);
      assert.deepEqual(loadLabManifest(lab('good', good))?.params, defaultParams);
    });

    for (const [name, manifest, why] of [
      ['a hostile release', hostile, /params\.helmRelease: 'x; touch .*' is not a valid Helm release name/],
      ['no params', { kind: 'observability-lab', version: 1 }, /params is missing/],
      [
        'a number for a namespace',
        { ...good, params: { ...defaultParams, appNamespace: 5 } },
        /params\.appNamespace must be a string/,
      ],
    ] as const) {
      it(`obslab doctor --lab with ${name} exits 2, naming the field and the rule, and runs nothing`, async () => {
        const d = lab(name.replace(/\W+/g, '-'), manifest);
        const err: string[] = [];
        const code = await main(['doctor', '--sandbox', '--lab', d], { out: () => undefined, err: (l) => err.push(l) });
        assert.equal(code, 2, err.join('\n'));
        assert.match(
          err.join('\n'),
          new RegExp(
            `^obslab doctor: ${join(d, labManifestName).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid lab manifest: `,
          ),
        );
        assert.match(err.join('\n'), why);
        assert.ok(!existsSync(pwned));
      });
    }

    it('obslab iam in a lab folder with a hostile obslab-lab.json exits 2 before asking AWS', async function () {
      this.timeout(30_000); // the AWS SDK loads on the first iam command
      const d = lab('iam', hostile);
      const cwd = process.cwd();
      process.chdir(join(d, 'k8s'));
      try {
        const err: string[] = [];
        const code = await main(['iam', 'inspect', 'some-role', '--no-kube'], {
          out: () => undefined,
          err: (l) => err.push(l),
        });
        assert.equal(code, 2, err.join('\n'));
        assert.match(
          err.join('\n'),
          /^obslab iam: .*obslab-lab\.json is not a valid lab manifest: params\.helmRelease/,
        );
      } finally {
        process.chdir(cwd);
      }
    });
  });
});

describe('the walk up to obslab-lab.json: one step, sync and async alike', () => {
  it('looks in the folder and at most five above it, stopping at the root', () => {
    assert.deepEqual(foldersUpToLab('/a/b/c/d/e/f/g', dirname), [
      '/a/b/c/d/e/f/g',
      '/a/b/c/d/e/f',
      '/a/b/c/d/e',
      '/a/b/c/d',
      '/a/b/c',
      '/a/b',
    ]);
    assert.deepEqual(foldersUpToLab('/a/b', dirname), ['/a/b', '/a', '/']);
    assert.deepEqual(foldersUpToLab('/', dirname), ['/']);
  });

  it('finds the same lab from a file five folders down, and none from six, whether asked sync or async', async () => {
    const root = mkdtempSync(join(tmpdir(), 'obslab-walk-'));
    try {
      const lab = join(root, 'lab');
      const five = join(lab, '1', '2', '3', '4', '5');
      const six = join(five, '6');
      mkdirSync(six, { recursive: true });
      writeFileSync(join(lab, labManifestName), JSON.stringify(good));
      assert.equal(findLabManifestFile(join(five, 'x.yaml')), join(lab, labManifestName));
      assert.equal(await findLabFolderAbove(five), lab);
      assert.equal(findLabManifestFile(join(six, 'x.yaml')), undefined);
      assert.equal(await findLabFolderAbove(six), undefined);
      // A folder by the manifest's name is not a manifest, for either walk.
      mkdirSync(join(six, labManifestName));
      assert.equal(findLabManifestFile(six), undefined);
      assert.equal(await findLabFolderAbove(six), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
