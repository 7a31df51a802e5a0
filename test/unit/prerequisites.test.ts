import { strict as assert } from 'node:assert';
import {
  awsCredentialsLine,
  awsProfileKeys,
  clusterLines,
  summarize,
  toolLine,
  tools,
  type AwsCredentialSources,
} from '../../src/core/prerequisites';
import {
  configure,
  configureSso,
  createNodegroup,
  describeNodes,
  getContexts,
  updateKubeconfigFor,
} from '../../src/core/kube/commands';
import { commandInText, runnableArgv } from '../../src/core/shellQuote';

const spec = (name: string) => {
  const s = tools.find((t) => t.name === name);
  if (!s) throw new Error(name);
  return s;
};

describe('prerequisites', () => {
  it('reads versions from what each tool prints', () => {
    assert.match(
      toolLine(spec('kubectl'), { found: true, output: '{"clientVersion":{"gitVersion":"v1.34.1"}}' }).detail,
      /^v1\.34\.1/,
    );
    assert.match(toolLine(spec('helm'), { found: true, output: 'v3.19.0+g3d8990f\n' }).detail, /^v3\.19\.0/);
    assert.match(
      toolLine(spec('aws'), { found: true, output: 'aws-cli/2.31.4 Python/3.13.7 Linux/6.1' }).detail,
      /^2\.31\.4/,
    );
  });

  it('says what a missing tool is needed for and how to get it', () => {
    const line = toolLine(spec('eksctl'), { found: false, reason: 'missing', detail: 'not on PATH' });
    assert.equal(line.ok, false);
    assert.match(line.detail, /not found on PATH; needed to associate the OIDC provider/);
    assert.match(line.fix ?? '', /eksctl\.io/);
  });

  it('summarizes what is missing', () => {
    assert.equal(
      summarize([
        { name: 'a', ok: true, detail: '' },
        { name: 'b', ok: false, detail: '' },
      ]),
      '1 of 2 ready; missing or failing: b',
    );
  });

  describe('the cluster', () => {
    const kubeconfig = {
      ok: true as const,
      files: ['/home/s/.kube/config'],
      context: 'lab',
      server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
    };

    it('names the kubeconfig, its current context, the server version and the Ready nodes', () => {
      const lines = clusterLines({
        kubeconfig,
        version: { ok: true, gitVersion: 'v1.37.2-eks-1' },
        nodes: { ok: true, total: 2, ready: 2, names: ['ip-1', 'ip-2'] },
      });
      assert.deepEqual(
        lines.map((l) => [l.name, l.ok]),
        [
          ['kubeconfig', true],
          ['API server', true],
          ['nodes', true],
        ],
      );
      assert.equal(lines[0]?.detail, '/home/s/.kube/config, current context lab');
      assert.equal(lines[1]?.detail, 'v1.37.2-eks-1 at https://ABC.gr7.eu-west-1.eks.amazonaws.com');
      assert.equal(lines[2]?.detail, '2 of 2 Ready (ip-1, ip-2)');
    });

    it('stops at the first thing that fails, with its fix', () => {
      const none = clusterLines({ kubeconfig: { ok: false, message: 'No kubeconfig found' } });
      assert.equal(none.length, 1);
      assert.match(none[0]?.fix ?? '', /aws eks update-kubeconfig/);
      const down = clusterLines({ kubeconfig, version: { ok: false, message: 'nothing answers' } });
      assert.deepEqual(
        down.map((l) => [l.name, l.ok]),
        [
          ['kubeconfig', true],
          ['API server', false],
        ],
      );
    });

    it('names each fix as a command value: the words shown are the ones to copy, blanks for the cluster and region', () => {
      const fixOf = (probe: Parameters<typeof clusterLines>[0]): string => clusterLines(probe).at(-1)?.fix ?? '';
      const v = { ok: true as const, gitVersion: 'v1' };
      assert.equal(
        fixOf({ kubeconfig: { ok: false, message: 'No kubeconfig found' } }),
        `Create it with ${commandInText(updateKubeconfigFor)}, or set KUBECONFIG`,
      );
      assert.match(
        fixOf({ kubeconfig: { ok: false, message: 'x' } }),
        /`aws eks update-kubeconfig --name <cluster> --region <region>`/,
      );
      assert.ok(fixOf({ kubeconfig, version: { ok: false, message: 'down' } }).includes(commandInText(getContexts)));
      const noNodes = fixOf({ kubeconfig, version: v, nodes: { ok: true, total: 0, ready: 0, names: [] } });
      assert.equal(noNodes, 'Add a node group (`eksctl create nodegroup --cluster <cluster>`)');
      assert.ok(noNodes.includes(commandInText(createNodegroup)));
      assert.equal(runnableArgv(createNodegroup), undefined, "the cluster is the student's to name");
      assert.equal(
        fixOf({ kubeconfig, version: v, nodes: { ok: true, total: 1, ready: 0, names: ['a'] } }),
        `Look at the nodes with ${commandInText(describeNodes)}`,
      );
      assert.deepEqual(runnableArgv(describeNodes), ['kubectl', 'describe', 'nodes']);
    });

    it('fails a cluster with no nodes, or none Ready', () => {
      assert.match(
        clusterLines({
          kubeconfig,
          version: { ok: true, gitVersion: 'v1' },
          nodes: { ok: true, total: 0, ready: 0, names: [] },
        })[2]?.detail ?? '',
        /no nodes/,
      );
      assert.match(
        clusterLines({
          kubeconfig,
          version: { ok: true, gitVersion: 'v1' },
          nodes: { ok: true, total: 3, ready: 0, names: ['a', 'b', 'c'] },
        })[2]?.detail ?? '',
        /3 node\(s\), none Ready/,
      );
    });
  });

  describe('AWS credentials, by where they come from and never by value', () => {
    const none: AwsCredentialSources = {
      envKeys: false,
      webIdentity: false,
      container: false,
      profile: 'default',
      profileKeys: undefined,
    };

    it('finds environment keys, SSO and role profiles', () => {
      assert.match(awsCredentialsLine({ ...none, envKeys: true }).detail, /environment/);
      assert.match(
        awsCredentialsLine({ ...none, profile: 'lab', profileKeys: ['sso_session', 'region'] }).detail,
        /profile lab \(IAM Identity Center \(SSO\)\)/,
      );
      assert.match(
        awsCredentialsLine({ ...none, profileKeys: ['aws_access_key_id', 'aws_secret_access_key'] }).detail,
        /access keys/,
      );
    });

    it('says what to run when there are none', () => {
      const line = awsCredentialsLine(none);
      assert.equal(line.ok, false);
      assert.equal(
        line.fix,
        `Run ${commandInText(configure)} (access keys) or ${commandInText(configureSso)}, or set AWS_PROFILE to a configured profile`,
      );
      assert.match(line.fix ?? '', /Run `aws configure` \(access keys\) or `aws configure sso`/);
      assert.match(
        awsCredentialsLine({ ...none, profile: 'work' }).detail,
        /profile work \(AWS_PROFILE\) is not defined/,
      );
      assert.match(awsCredentialsLine({ ...none, profileKeys: ['region'] }).detail, /has no credentials/);
    });

    it('reads profile sections the way the CLI does: [name] in credentials, [profile name] in config', () => {
      const config = '[default]\nregion = eu-west-1\n\n[profile lab]\nsso_session = corp\nregion=us-east-1\n';
      assert.deepEqual(awsProfileKeys(config, 'lab', true), ['sso_session', 'region']);
      assert.deepEqual(awsProfileKeys(config, 'default', true), ['region']);
      assert.equal(awsProfileKeys(config, 'lab', false), undefined);
      assert.deepEqual(awsProfileKeys('[lab]\naws_access_key_id = AKIA...\n', 'lab', false), ['aws_access_key_id']);
    });
  });
});
