// JMeter's distributed mode as values: the remote servers a student types, the controller's and an
// engine's command lines, the keystore's properties, and what the controller's console means.
import { strict as assert } from 'node:assert';
import {
  callbackHostFor,
  controllerArgs,
  controllerCommand,
  controllerOutputReader,
  engineArgs,
  explainControllerLine,
  isJtlLine,
  keystoreProperties,
  keytoolArgs,
  parseRemoteEngines,
  remoteEnginesArg,
} from '../../src/core/loadtest/jmeterDistributed';
import {
  clusterSpecProblems,
  describeClusterObjects,
  jmeterClusterObjects,
} from '../../src/core/loadtest/jmeterCluster';
import { commandInText } from '../../src/core/shellQuote';

describe('JMeter distributed mode: the remote servers', () => {
  it('reads host:port entries separated by commas, blanks around them allowed', () => {
    assert.deepEqual(parseRemoteEngines(' 10.0.0.5:1099, load-2.example.com:2010 '), [
      { host: '10.0.0.5', port: 1099 },
      { host: 'load-2.example.com', port: 2010 },
    ]);
  });

  it("takes a host alone as JMeter does: on port 1099, jmeter-server's default", () => {
    assert.deepEqual(parseRemoteEngines('engine-a'), [{ host: 'engine-a', port: 1099 }]);
  });

  it('has engines that are all on this machine call the controller back on 127.0.0.1, others as JMeter chooses', () => {
    assert.equal(
      callbackHostFor([
        { host: '127.0.0.1', port: 1 },
        { host: 'localhost', port: 2 },
      ]),
      '127.0.0.1',
    );
    assert.equal(
      callbackHostFor([
        { host: '127.0.0.1', port: 1 },
        { host: '10.0.0.5', port: 1099 },
      ]),
      undefined,
    );
  });

  it('writes them back as -R takes them', () => {
    assert.equal(
      remoteEnginesArg([
        { host: '127.0.0.1', port: 40001 },
        { host: 'b', port: 1099 },
      ]),
      '127.0.0.1:40001,b:1099',
    );
  });

  const refusals: [string, RegExp][] = [
    ['', /no remote JMeter servers given: write them as host:port/],
    ['a:1099,,b:1099', /entry 2 of the remote servers is empty/],
    ['a:http', /'a:http' in the remote servers: 'http' is not a port \(1–65535\)/],
    ['a:0', /'0' is not a port/],
    ['a:70000', /'70000' is not a port/],
    ['300.1.1.1:1099', /'300\.1\.1\.1' is not an IPv4 address/],
    ['[::1]:1099', /is an IPv6 address; give the engine by host name or IPv4 address/],
    ['bad_host!:1099', /'bad_host!' is not a host name/],
    ['a:1099, A:1099', /'A:1099' is listed twice/],
  ];
  for (const [text, message] of refusals)
    it(`refuses '${text}' with a sentence naming the entry and how to write it`, () => {
      const r = parseRemoteEngines(text);
      assert.equal(typeof r, 'string');
      assert.match(r as string, message);
    });
});

describe('JMeter distributed mode: the commands', () => {
  const engines = [
    { host: '127.0.0.1', port: 40001 },
    { host: '127.0.0.1', port: 40003 },
  ];

  it('runs the controller with -R and sends the plan properties to the engines as -G', () => {
    const args = controllerArgs({
      plan: '/lab/hash-load.jmx',
      jtl: '/lab/r.jtl',
      log: '/lab/r.log',
      engines,
      props: { SERVER: '127.0.0.1', PORT: '8080' },
      rmi: { kind: 'keystore', propertiesFile: '/tmp/x/rmi.properties' },
      callbackHost: '127.0.0.1',
    });
    assert.deepEqual(args, [
      '-n',
      '-t',
      '/lab/hash-load.jmx',
      '-l',
      '/lab/r.jtl',
      '-j',
      '/lab/r.log',
      '-R',
      '127.0.0.1:40001,127.0.0.1:40003',
      '-Djava.rmi.server.hostname=127.0.0.1',
      '-q',
      '/tmp/x/rmi.properties',
      '-GSERVER=127.0.0.1',
      '-GPORT=8080',
    ]);
  });

  it('shows the controller as a command a person can copy, word for word', () => {
    const cmd = controllerCommand('jmeter', {
      plan: 'my plan.jmx',
      jtl: 'r.jtl',
      log: 'r.log',
      engines,
      props: {},
      rmi: { kind: 'ssl-disabled' },
      clientRmiPort: 60000,
    });
    assert.equal(
      commandInText(cmd),
      "`jmeter -n -t 'my plan.jmx' -l r.jtl -j r.log -R 127.0.0.1:40001,127.0.0.1:40003 -Jclient.rmi.localport=60000 -Jserver.rmi.ssl.disable=true`",
    );
  });

  it("leaves RMI to JMeter's own properties for servers someone else runs", () => {
    const args = controllerArgs({
      plan: 'p',
      jtl: 'j',
      log: 'l',
      engines,
      props: {},
      rmi: { kind: 'jmeter-properties' },
    });
    assert.ok(!args.some((a) => a.includes('rmi.ssl') || a === '-q'));
  });

  it('starts an engine as bin/jmeter-server does: -s with server_port, its RMI port and hostname', () => {
    assert.deepEqual(
      engineArgs({
        port: 40001,
        rmiPort: 40002,
        hostname: '127.0.0.1',
        rmi: { kind: 'ssl-disabled' },
        log: '/tmp/e1.log',
      }),
      [
        '-s',
        '-Dserver_port=40001',
        '-Jserver.rmi.localport=40002',
        '-Djava.rmi.server.hostname=127.0.0.1',
        '-Jserver.rmi.ssl.disable=true',
        '-j',
        '/tmp/e1.log',
      ],
    );
  });
});

describe('JMeter distributed mode: the RMI keystore', () => {
  it('points key and trust store at one PKCS12 file, escaping the path as Java properties need', () => {
    const text = keystoreProperties('C:\\lab\\rmi.p12', 'pw');
    assert.match(text, /^server\.rmi\.ssl\.keystore\.type=PKCS12$/m);
    assert.match(text, /^server\.rmi\.ssl\.keystore\.file=C:\\\\lab\\\\rmi\.p12$/m);
    assert.match(text, /^server\.rmi\.ssl\.truststore\.file=C:\\\\lab\\\\rmi\.p12$/m);
    assert.match(text, /^server\.rmi\.ssl\.keystore\.password=pw$/m);
    assert.match(text, /^server\.rmi\.ssl\.keystore\.alias=rmi$/m);
  });

  it('has keytool read the password from the environment, never the command line', () => {
    const args = keytoolArgs('/tmp/k.p12', 'PASS_VAR');
    assert.deepEqual(args.slice(-2), ['-storepass:env', 'PASS_VAR']);
    assert.ok(!args.includes('-storepass'));
  });
});

describe("JMeter distributed mode: the controller's console", () => {
  it('names the engines that did not start and what to check', () => {
    const m = explainControllerLine('The following remote engines have not started:[10.0.0.5:1099, 10.0.0.6:1099]');
    assert.match(m ?? '', /could not start the remote engine\(s\) 10\.0\.0\.5:1099, 10\.0\.0\.6:1099/);
    assert.match(m ?? '', /server\.rmi\.ssl\.disable=true on both/);
  });

  it('explains a missing keystore with both ways out', () => {
    assert.match(
      explainControllerLine('java.io.FileNotFoundException: rmi_keystore.jks (No such file or directory)') ?? '',
      /create-rmi-keystore\.sh .* server\.rmi\.ssl\.disable=true/,
    );
  });

  it('names the engines it could not configure (nothing answered there), as JMeter 5.6.3 says it', () => {
    const m = explainControllerLine(
      'An error occurred: Error in NonGUIDriver Following remote engines could not be configured:[127.0.0.1:33969]',
    );
    assert.match(
      m ?? '',
      /could not start the remote engine\(s\) 127\.0\.0\.1:33969: is `jmeter-server` running there/,
    );
  });

  it('says nothing about ordinary lines', () => {
    assert.equal(explainControllerLine('Remote engines have been started:[127.0.0.1:40001]'), undefined);
  });

  it("puts JMeter's default header before the first sample, which JMeter does not write to /dev/stdout", () => {
    const reader = controllerOutputReader();
    assert.deepEqual(reader.take('Creating summariser <summary>'), {
      jtl: [],
      console: 'Creating summariser <summary>',
    });
    const first = reader.take('1796507336694,53,POST /hash,200,OK,a:1-Users 1-1,text,true,,181,222,1,1,u,44,0,5');
    assert.equal(first.jtl.length, 2);
    assert.match(first.jtl[0] ?? '', /^timeStamp,elapsed,label,responseCode,/);
    assert.equal(
      reader.take('1796507336695,3,POST /hash,200,OK,a:1-Users 1-1,text,true,,181,222,1,1,u,3,0,0').jtl.length,
      1,
    );
    assert.deepEqual(reader.take(''), { jtl: [] });
  });

  it("tells the .jtl's lines from the rest of a controller's console", () => {
    assert.ok(isJtlLine('timeStamp,elapsed,label,responseCode'));
    assert.ok(isJtlLine('1796507336694,53,POST /hash,200,OK,10.0.0.5:1099-Users 1-2,text,true,,181'));
    assert.ok(!isJtlLine('Creating summariser <summary>'));
    assert.ok(!isJtlLine('summary +   1926 in 00:00:04 =  507.4/s'));
    assert.ok(!isJtlLine('Using local port: 60001'));
  });
});

describe('JMeter distributed mode in the lab cluster: the objects', () => {
  const spec = {
    namespace: 'obslab-loadtest',
    engines: 3,
    planXml: '<jmeterTestPlan/>',
    props: { SERVER: 'otel-flask.app.svc', PORT: '80' },
    runId: '20261205-2200',
  };
  const objects = jmeterClusterObjects(spec);
  const byKind = (kind: string): Record<string, unknown> =>
    (objects.find((o) => o.kind === kind)?.body ?? {}) as Record<string, unknown>;
  const container = (kind: string): { image: string; command: string[]; args: string[] } => {
    const spec = byKind(kind)['spec'] as { template: { spec: { containers: unknown[] } } };
    return spec.template.spec.containers[0] as { image: string; command: string[]; args: string[] };
  };

  it('runs N engines on the pinned JMeter 5.6.3 image, each giving its pod IP to RMI, in clear', () => {
    assert.equal((byKind('StatefulSet')['spec'] as { replicas: number }).replicas, 3);
    const engine = container('StatefulSet');
    assert.equal(engine.image, 'alpine/jmeter:5.6.3');
    assert.deepEqual(engine.command, ['/opt/apache-jmeter-5.6.3/bin/jmeter']);
    assert.ok(engine.args.includes('-Djava.rmi.server.hostname=$(POD_IP)'));
    assert.ok(engine.args.includes('-Dserver_port=1099'));
    assert.ok(engine.args.includes('-Jserver.rmi.localport=50000'));
    assert.ok(engine.args.includes('-Jserver.rmi.ssl.disable=true'));
  });

  it('has the controller Job list every engine pod by its DNS name and write the .jtl to its log', () => {
    const controller = container('Job');
    const args = controller.args;
    assert.equal(
      args[args.indexOf('-R') + 1],
      [0, 1, 2].map((i) => `jmeter-server-${i}.jmeter-server.obslab-loadtest.svc:1099`).join(','),
    );
    assert.equal(args[args.indexOf('-l') + 1], '/dev/stdout');
    assert.equal(args[args.indexOf('-t') + 1], '/plan/plan.jmx');
    assert.ok(args.includes('-GSERVER=otel-flask.app.svc'));
    assert.ok(args.includes('-Jjmeter.save.saveservice.autoflush=true'));
    assert.equal(objects.find((o) => o.kind === 'Job')?.name, 'jmeter-controller-20261205-2200');
  });

  it('puts the plan in the ConfigMap the Job mounts, and a headless Service over the engines', () => {
    assert.deepEqual(byKind('ConfigMap')['data'], { 'plan.jmx': '<jmeterTestPlan/>' });
    assert.equal((byKind('Service')['spec'] as { clusterIP: string }).clusterIP, 'None');
  });

  it("labels what Clean Up finds by label, but not the pod templates (their pods are their owners' to remove)", () => {
    for (const o of objects.filter((x) => ['ConfigMap', 'StatefulSet', 'Job', 'NetworkPolicy'].includes(x.kind)))
      assert.equal(
        (o.body['metadata'] as { labels: Record<string, string> }).labels['app.kubernetes.io/managed-by'],
        'obslab',
        `${o.kind} ${o.name}`,
      );
    const template = (byKind('StatefulSet')['spec'] as { template: { metadata: { labels: Record<string, string> } } })
      .template;
    assert.equal(template.metadata.labels['app.kubernetes.io/managed-by'], undefined);
  });

  it('shows what it will create before it does, one line per object', () => {
    const lines = describeClusterObjects(spec);
    assert.match(
      lines.join('\n'),
      /StatefulSet obslab-loadtest\/jmeter-server: 3 jmeter-server pod\(s\), alpine\/jmeter:5\.6\.3/,
    );
    assert.match(lines.join('\n'), /Job obslab-loadtest\/jmeter-controller-20261205-2200/);
  });

  it('refuses a namespace, a pod count or a run id Kubernetes would not take, saying what would do', () => {
    assert.deepEqual(clusterSpecProblems(spec), []);
    const problems = clusterSpecProblems({ namespace: 'Load_Test', engines: 0, runId: 'x' });
    assert.match(problems[0] ?? '', /'Load_Test' is not a namespace name/);
    assert.match(problems[1] ?? '', /0 jmeter-server pods: choose a whole number from 1 to 20/);
  });
});
