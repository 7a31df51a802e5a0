import { strict as assert } from 'node:assert';
import { kubeconfigLine, summarize, toolLine, tools } from '../../src/core/prerequisites';

const spec = (name: string) => {
  const s = tools.find((t) => t.name === name);
  if (!s) throw new Error(name);
  return s;
};

describe('prerequisites', () => {
  it('reads versions from what each tool prints', () => {
    assert.match(toolLine(spec('kubectl'), { found: true, output: '{"clientVersion":{"gitVersion":"v1.34.1"}}' }).detail, /^v1\.34\.1/);
    assert.match(toolLine(spec('helm'), { found: true, output: 'v3.19.0+g3d8990f\n' }).detail, /^v3\.19\.0/);
    assert.match(toolLine(spec('aws'), { found: true, output: 'aws-cli/2.31.4 Python/3.13.7 Linux/6.1' }).detail, /^2\.31\.4/);
  });

  it('says what a missing tool is needed for and how to get it', () => {
    const line = toolLine(spec('eksctl'), { found: false, reason: 'missing', detail: 'not on PATH' });
    assert.equal(line.ok, false);
    assert.match(line.detail, /not found on PATH; needed to associate the OIDC provider/);
    assert.match(line.fix ?? '', /eksctl\.io/);
  });

  it('names the kubeconfig\'s current context, or why there is none', () => {
    assert.equal(kubeconfigLine('/k', 'apiVersion: v1\ncurrent-context: lab\n').detail, '/k, current context lab');
    assert.match(kubeconfigLine('/k', undefined).fix ?? '', /aws eks update-kubeconfig/);
    assert.match(kubeconfigLine('/k', 'kind: Config\n').detail, /no current context/);
    assert.match(kubeconfigLine('/k', 'a: [\n').detail, /not valid YAML/);
  });

  it('summarizes what is missing', () => {
    assert.equal(summarize([{ name: 'a', ok: true, detail: '' }, { name: 'b', ok: false, detail: '' }]), '1 of 2 ready; missing or failing: b');
  });
});
