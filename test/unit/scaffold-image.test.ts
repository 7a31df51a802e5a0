// The app's image as Create Lab Files and `obslab scaffold` ask for it: with its registry, as EKS
// pulls it. A reference the runtime would refuse is refused; one EKS could not pull is written,
// with a warning that says why and what to do.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { callerAccount } from '../../src/core/kube/commands';
import {
  defaultParams,
  exampleAccount,
  imageWarning,
  paramSpecs,
  paramWarnings,
  parseImageRef,
  validateParams,
} from '../../src/core/scaffold/params';
import { commandLine } from '../../src/core/shellQuote';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const image = (appImage: string) => validateParams({ ...defaultParams, appImage });

describe('the scaffold asks for an image with its registry', () => {
  it('asks for the registry and the --platform to build for in its prompt, and its default names one (in ECR)', () => {
    const spec = paramSpecs.find((s) => s.key === 'appImage');
    assert.match(
      spec?.prompt ?? '',
      /with its registry, e\.g\. <account>\.dkr\.ecr\.<region>\.amazonaws\.com\/ds252-flask:1\.0/,
    );
    // The walkthrough's docker build line says the same (walkthrough.test.ts pins it there).
    assert.match(spec?.prompt ?? '', /--platform linux\/amd64 from Apple silicon for amd64 nodes/);
    assert.deepEqual(parseImageRef(defaultParams.appImage), {
      registry: `${exampleAccount}.dkr.ecr.${defaultParams.awsRegion}.amazonaws.com`,
      repository: 'ds252-flask',
      tag: '1.0',
    });
  });

  it('splits a reference as the container runtime does: a first part with a dot, a port or localhost is the registry', () => {
    assert.deepEqual(parseImageRef('ds252-flask:1.0'), { repository: 'ds252-flask', tag: '1.0' });
    assert.deepEqual(parseImageRef('me/ds252-flask'), { repository: 'me/ds252-flask' });
    assert.deepEqual(parseImageRef('localhost:5000/lab/flask:2'), {
      registry: 'localhost:5000',
      repository: 'lab/flask',
      tag: '2',
    });
    assert.equal(
      (parseImageRef(`ghcr.io/me/flask@sha256:${'a'.repeat(64)}`) as { digest?: string }).digest,
      `sha256:${'a'.repeat(64)}`,
    );
  });

  it('refuses what the runtime would refuse, naming the part that is wrong', () => {
    assert.match(image('')[0]?.message ?? '', /an image reference is required/);
    assert.match(image('my image')[0]?.message ?? '', /contains white space/);
    assert.match(image('reg.example/DS252-Flask:1.0')[0]?.message ?? '', /must be lower case/);
    assert.match(image('reg.example/flask:-1')[0]?.message ?? '', /the tag '-1' is not/);
    assert.match(
      image('reg.example/flask@sha256:xyz')[0]?.message ?? '',
      /the digest 'sha256:xyz' is not algorithm:hex/,
    );
    assert.equal(image('reg.example/flask:1.0; rm -rf /')[0]?.flag, '--image');
  });

  it('warns on an image with no registry host: the nodes would look on Docker Hub, where it is not', () => {
    const w = imageWarning('ds252-flask:1.0') ?? '';
    assert.match(w, /names no registry host/);
    assert.match(w, /docker\.io\/library\/ds252-flask:1\.0/);
    assert.match(w, /ImagePullBackOff/);
    assert.match(w, /<account>\.dkr\.ecr\.<region>\.amazonaws\.com\/ds252-flask:1\.0/);
    assert.deepEqual(image('ds252-flask:1.0'), [], 'a warning, not a refusal: the files are still written');
    assert.match(
      imageWarning('me/ds252-flask:1.0') ?? '',
      /docker\.io\/me\/ds252-flask:1\.0 from Docker Hub: that works only if/,
    );
  });

  it("warns on the example account, naming how to find one's own", () => {
    assert.match(
      imageWarning(defaultParams.appImage) ?? '',
      /example account .*\(aws sts get-caller-identity --query Account/,
    );
    assert.ok(imageWarning(defaultParams.appImage)?.includes(`(${commandLine(callerAccount, 'posix')}) and push`));
    assert.equal(commandLine(callerAccount, 'posix'), 'aws sts get-caller-identity --query Account --output text');
    assert.deepEqual(
      paramWarnings(defaultParams).map((w) => w.flag),
      ['--image'],
    );
  });

  it('warns on :latest or no tag, and says nothing of a pinned image in your own registry', () => {
    assert.match(
      imageWarning('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask') ?? '',
      /no tag, so the nodes pull :latest/,
    );
    assert.match(
      imageWarning('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:latest') ?? '',
      /the tag :latest/,
    );
    assert.equal(imageWarning('111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:1.0'), undefined);
    assert.equal(imageWarning(`ghcr.io/me/flask@sha256:${'a'.repeat(64)}`), undefined);
  });

  describe('obslab scaffold', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'obslab-scaffold-image-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('writes the files with an image that has no registry, and warns on stderr with the next step', () => {
      const io = capture();
      assert.equal(main(['scaffold', join(root, 'lab'), '--image', 'ds252-flask:1.0'], io), 0);
      assert.match(readFileSync(join(root, 'lab', 'k8s', 'app.yaml'), 'utf8'), /image: ds252-flask:1\.0$/m);
      assert.equal(io.stderr.length, 1);
      assert.match(io.stderr[0] ?? '', /^obslab scaffold: warning: --image: 'ds252-flask:1\.0' names no registry host/);
    });

    it('puts the example image in the region given, and lists the warnings in JSON', () => {
      const io = capture();
      assert.equal(main(['scaffold', join(root, 'lab'), '--region', 'eu-west-1', '--format', 'json'], io), 0);
      const app = readFileSync(join(root, 'lab', 'k8s', 'app.yaml'), 'utf8');
      assert.match(
        app,
        new RegExp(`image: ${exampleAccount}\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/ds252-flask:1\\.0$`, 'm'),
      );
      const report = JSON.parse(io.stdout.join('\n')) as { warnings: string[] };
      assert.equal(report.warnings.length, 1);
      assert.match(report.warnings[0] ?? '', /^--image: .* example account/);
    });

    it('says nothing more for an image in your own registry', () => {
      const io = capture();
      const mine = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ds252-flask:1.0';
      assert.equal(main(['scaffold', join(root, 'lab'), '--image', mine], io), 0);
      assert.deepEqual(io.stderr, []);
    });
  });
});
