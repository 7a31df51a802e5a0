// The load-test plan model: the lab's broken plan, the scaffolded plan, ordinary JMeter plans,
// functions and -J properties as JMeter 5.6.3 evaluates them, and elements it cannot run.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildRequest,
  compileSampler,
  isRequestError,
  urlDecode,
  urlEncode,
  type PreparedRequest,
} from '../../src/core/loadtest/http';
import { loadPlan, refusals, resolveVariables, targets, type LoadPlan } from '../../src/core/loadtest/plan';
import { evaluate, parseTemplate, unsupportedReason, type EvalContext } from '../../src/core/loadtest/template';
import { lintJmx } from '../../src/core/lint/rules/jmx';

const root = join(__dirname, '..', '..');
const read = (...p: string[]): string => readFileSync(join(root, ...p), 'utf8');
const LAB = read('test', 'fixtures', 'lab', 'hash-load.lab.jmx');
const SCAFFOLDED = read('templates', 'jmeter', 'hash-load.jmx');
const fixture = (name: string): string => read('test', 'fixtures', 'jmx', name);

/** A seeded generator, so "random" values are checked by shape and still reproducible. */
function seeded(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const epochMs = (): number => 1_795_600_000_123;

/** A thread's context; variables are resolved once per run, as the runner does, unless `vars` is handed in. */
function threadCtx(
  plan: LoadPlan,
  threadNum: number,
  shared = new Map<number, number>(),
  vars = resolveVariables(plan, { random: seeded(), epochMs }),
): EvalContext {
  return {
    props: plan.props,
    vars: new Map(vars),
    threadNum,
    random: seeded(threadNum),
    epochMs,
    sharedCounters: shared,
    threadCounters: new Map(),
  };
}

function request(plan: LoadPlan, sampler: number, ctx: EvalContext): PreparedRequest {
  const s = plan.threadGroups[0]?.samplers[sampler];
  assert.ok(s, `sampler ${sampler}`);
  const r = buildRequest(s, ctx);
  assert.ok(!isRequestError(r), JSON.stringify(r));
  return r;
}

function split(r: PreparedRequest): { line: string; headers: Record<string, string>; body: string } {
  const text = new TextDecoder().decode(r.bytes);
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [line = '', ...rest] = head.split('\r\n');
  return {
    line,
    headers: Object.fromEntries(
      rest.map((h) => [h.slice(0, h.indexOf(':')).toLowerCase(), h.slice(h.indexOf(':') + 1).trim()]),
    ),
    body,
  };
}

describe('load-test plan model', () => {
  describe("the lab's plan", () => {
    const plan = loadPlan(LAB, { file: 'hash-load.jmx', props: { SERVER: '127.0.0.1', PORT: '8080' } });

    it('reports exactly the jmx lint findings for the file, instead of crashing', () => {
      const lint = lintJmx({ file: 'hash-load.jmx', text: LAB });
      assert.deepEqual(
        plan.findings.filter((f) => f.code.startsWith('jmx/')),
        lint,
      );
      const codes = plan.findings.map((f) => f.code);
      assert.ok(codes.includes('jmx/missing-main-controller'));
      assert.equal(codes.filter((c) => c === 'jmx/argument-missing-name').length, 3);
    });

    it('is refused by the built-in engine (and for JMeter) first because JMeter would send nothing', () => {
      for (const engine of ['builtin', 'jmeter'] as const) {
        const reasons = refusals(plan, engine);
        assert.match(
          reasons[0] ?? '',
          /^hash-load\.jmx:18: JMeter would send nothing: Thread Group 'Users' has no ThreadGroup\.main_controller/,
        );
        assert.ok(
          reasons.some(
            (r) =>
              r.includes("JMeter would send the variable's ${NAME} literally") &&
              r.includes('(jmx/argument-missing-name)'),
          ),
        );
      }
    });

    it('models the Thread Group as JMeter reads it: no loop controller, so no loops', () => {
      const g = plan.threadGroups[0];
      assert.ok(g);
      assert.equal(g.loops, undefined);
      assert.equal(g.threads, 60);
      assert.equal(g.durationSec, 120);
      // The unnamed variables are never defined, so the target keeps the literal references.
      assert.equal(targets(plan)[0]?.url, '${protocol}://${SERVER}:${PORT}/hash');
      assert.equal(targets(plan)[0]?.local, false);
    });
  });

  describe('the scaffolded plan', () => {
    it('reads its defaults: 60 threads, 10 s ramp-up, 120 s, looping until the duration ends', () => {
      const plan = loadPlan(SCAFFOLDED);
      assert.deepEqual(refusals(plan), []);
      assert.equal(plan.findings.filter((f) => f.severity !== 'info').length, 0, JSON.stringify(plan.findings));
      const g = plan.threadGroups[0];
      assert.deepEqual(
        {
          threads: g?.threads,
          ramp: g?.rampUpSec,
          duration: g?.durationSec,
          loops: g?.loops,
          onError: g?.onSampleError,
        },
        { threads: 60, ramp: 10, duration: 120, loops: -1, onError: 'continue' },
      );
      assert.deepEqual(
        targets(plan).map((t) => [t.method, t.url, t.label, t.local]),
        [['POST', 'http://localhost/hash', 'POST /hash', true]],
      );
    });

    it('resolves -J properties everywhere they are read', () => {
      const plan = loadPlan(SCAFFOLDED, {
        props: { SERVER: '127.0.0.1', PORT: '5000', THREADS: '10', RAMP: '1', DURATION: '5' },
      });
      const g = plan.threadGroups[0];
      assert.deepEqual([g?.threads, g?.rampUpSec, g?.durationSec], [10, 1, 5]);
      assert.equal(targets(plan)[0]?.url, 'http://127.0.0.1:5000/hash');
      assert.equal(loadPlan(SCAFFOLDED, { props: { SERVER: '10.0.0.7' } }).threadGroups.length, 1);
      assert.equal(targets(loadPlan(SCAFFOLDED, { props: { SERVER: '10.0.0.7' } }))[0]?.local, false);
    });

    it('builds the request JMeter sends: a form body data=<10 random letters>, keep-alive', () => {
      const plan = loadPlan(SCAFFOLDED, { props: { SERVER: '127.0.0.1', PORT: '5000' } });
      const ctx = threadCtx(plan, 1);
      const a = split(request(plan, 0, ctx));
      const b = split(request(plan, 0, ctx));
      assert.equal(a.line, 'POST /hash HTTP/1.1');
      assert.equal(a.headers['content-type'], 'application/x-www-form-urlencoded; charset=UTF-8');
      assert.equal(a.headers['connection'], 'keep-alive');
      assert.equal(a.headers['host'], '127.0.0.1:5000');
      assert.match(a.body, /^data=[a-z]{10}$/);
      assert.equal(a.headers['content-length'], String(a.body.length));
      assert.notEqual(a.body, b.body, '__RandomString gives each request its own value');
    });

    it('sends from a compiled sampler the same bytes as buildRequest, and builds a request without functions once', () => {
      const fixedText = SCAFFOLDED.replace('${__RandomString(10,abcdefghijklmnopqrstuvwxyz)}', 'a b%20c');
      for (const text of [
        SCAFFOLDED,
        fixedText,
        SCAFFOLDED.replace('${__RandomString(10,abcdefghijklmnopqrstuvwxyz)}', '${__RandomString(3,é €)}'),
      ]) {
        const plan = loadPlan(text, { props: { SERVER: '127.0.0.1', PORT: '5000' } });
        const s = plan.threadGroups[0]?.samplers[0];
        assert.ok(s);
        const compiledCtx = threadCtx(plan, 1);
        const compiled = compileSampler(s, compiledCtx, plan.dynamicVariables);
        const plainCtx = threadCtx(plan, 1);
        const built: PreparedRequest[] = [];
        for (let i = 0; i < 5; i++) {
          const a = compiled.build(compiledCtx);
          const b = buildRequest(s, plainCtx);
          assert.ok(!isRequestError(a) && !isRequestError(b));
          assert.deepEqual({ ...a, bytes: [...a.bytes] }, { ...b, bytes: [...b.bytes] });
          built.push(a);
        }
        if (text === fixedText)
          assert.ok(
            built.every((r) => r === built[0]),
            'a body without functions is built once',
          );
        else
          assert.equal(
            new Set(built.map((r) => new TextDecoder().decode(r.bytes))).size,
            5,
            'each request has its own random body',
          );
      }
    });

    it('reports a -J value that is not a number instead of guessing', () => {
      const plan = loadPlan(SCAFFOLDED, { props: { THREADS: 'many' } });
      const f = plan.findings.find((x) => x.code === 'loadtest/invalid-value');
      assert.ok(f);
      assert.match(
        f.message,
        /the number of threads \(ThreadGroup\.num_threads\) is 'many' \(from '\$\{__P\(THREADS,60\)\}'\)/,
      );
      assert.ok(refusals(plan).length > 0);
    });
  });

  describe('an ordinary plan (HTTP Request Defaults, Header Manager, loops, timer, assertion, listener)', () => {
    const plan = loadPlan(fixture('ordinary-get.jmx'), { file: 'ordinary-get.jmx', props: { USERS: '3' } });

    it('runs without refusal and ignores the listener and the disabled sampler', () => {
      assert.deepEqual(refusals(plan), []);
      assert.ok(
        plan.findings.some((f) => f.code === 'loadtest/ignored' && /ResultCollector 'Summary Report'/.test(f.message)),
      );
      const g = plan.threadGroups[0];
      assert.ok(g);
      assert.deepEqual(
        [g.threads, g.rampUpSec, g.durationSec, g.loops, g.onSampleError],
        [3, 2, undefined, 5, 'startnextloop'],
      );
      assert.equal(g.samplers.length, 1);
      assert.equal(g.samplers[0]?.timers.length, 1);
      assert.equal(g.samplers[0]?.assertions[0]?.field, 'data');
    });

    it('takes host and port from the defaults and puts GET arguments in the query as JMeter encodes them', () => {
      const r = request(plan, 0, threadCtx(plan, 2));
      const { line, headers, body } = split(r);
      assert.equal(r.url, 'http://127.0.0.1:8080/items?category=books&q=war+%26+peace');
      assert.equal(r.label, 'GET /items books');
      assert.equal(line, 'GET /items?category=books&q=war+%26+peace HTTP/1.1');
      assert.equal(headers['accept'], 'application/json');
      assert.equal(headers['x-run'], 'thread-2');
      assert.equal(headers['content-length'], undefined);
      assert.equal(body, '');
    });
  });

  describe('loop controllers as JMeter 5.6.3 runs them', () => {
    const ordinary = fixture('ordinary-get.jmx');
    const withoutFlag = ordinary.replace('<boolProp name="LoopController.continue_forever">false</boolProp>', '');

    it('loops forever when the main Loop Controller lacks continue_forever=false (JMeter sent 1,542 requests for loops=3 in 2 s)', () => {
      assert.notEqual(withoutFlag, ordinary);
      const plan = loadPlan(withoutFlag, { file: 'ordinary-get.jmx' });
      const f = plan.findings.find((x) => x.code === 'loadtest/loops-forever');
      assert.ok(f);
      assert.equal(f.severity, 'error', 'without a duration the run would never end');
      assert.match(
        f.message,
        /asks for 5 loop\(s\), but its Loop Controller lacks LoopController\.continue_forever=false, so JMeter repeats it forever: the run never ends by itself/,
      );
      assert.equal(plan.threadGroups[0]?.loops, -1);
      assert.ok(refusals(plan).some((r) => r.includes('(loadtest/loops-forever)')));
    });

    it('only warns when a duration bounds the run', () => {
      const bounded = withoutFlag.replace(
        '<intProp name="ThreadGroup.ramp_time">2</intProp>',
        '<intProp name="ThreadGroup.ramp_time">2</intProp><boolProp name="ThreadGroup.scheduler">true</boolProp><stringProp name="ThreadGroup.duration">3</stringProp>',
      );
      const plan = loadPlan(bounded);
      const f = plan.findings.find((x) => x.code === 'loadtest/loops-forever');
      assert.equal(f?.severity, 'warning');
      assert.match(f?.message ?? '', /the threads run until the 3 s duration ends/);
      assert.deepEqual(refusals(plan), []);
      assert.deepEqual([plan.threadGroups[0]?.loops, plan.threadGroups[0]?.durationSec], [-1, 3]);
    });
  });

  it("lets a standalone User Defined Variables element see the Test Plan's variables but not its own (as JMeter 5.6.3 sent /v/1/1-a/${Y}-b)", () => {
    const plan = loadPlan(`<jmeterTestPlan><hashTree>
      <TestPlan testname="UDV"><elementProp name="TestPlan.user_defined_variables" elementType="Arguments"><collectionProp name="Arguments.arguments">
        <elementProp name="X" elementType="Argument"><stringProp name="Argument.name">X</stringProp><stringProp name="Argument.value">1</stringProp></elementProp>
      </collectionProp></elementProp></TestPlan>
      <hashTree>
        <Arguments testclass="Arguments" testname="More"><collectionProp name="Arguments.arguments">
          <elementProp name="Y" elementType="Argument"><stringProp name="Argument.name">Y</stringProp><stringProp name="Argument.value">\${X}-a</stringProp></elementProp>
          <elementProp name="Z" elementType="Argument"><stringProp name="Argument.name">Z</stringProp><stringProp name="Argument.value">\${Y}-b</stringProp></elementProp>
        </collectionProp></Arguments><hashTree/>
      </hashTree></hashTree></jmeterTestPlan>`);
    assert.deepEqual(
      [...resolveVariables(plan, { random: seeded(), epochMs })],
      [
        ['X', '1'],
        ['Y', '1-a'],
        ['Z', '${Y}-b'],
      ],
    );
  });

  describe('functions and variables, as JMeter 5.6.3 evaluated them', () => {
    const plan = loadPlan(fixture('functions.jmx'), { file: 'functions.jmx', props: { PORT: '44723' } });

    it('evaluates every supported function in a raw body, per thread and per request', () => {
      assert.deepEqual(refusals(plan), []);
      const shared = new Map<number, number>();
      const vars = resolveVariables(plan, { random: seeded(), epochMs });
      const t1 = threadCtx(plan, 1, shared, vars);
      const t2 = threadCtx(plan, 2, shared, vars);
      const bodies = [t1, t2, t1, t2].map((ctx) => {
        const r = split(request(plan, 0, ctx));
        assert.equal(r.headers['content-type'], 'text/plain; charset=UTF-8');
        return JSON.parse(r.body) as Record<string, string | number>;
      });
      for (const b of bodies) {
        assert.match(String(b['v']), /^[ab]{5}$/);
        assert.ok([1, 2, 3].includes(Number(b['n'])));
        assert.match(String(b['u']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(b['t'], 1_795_600_000_123);
        assert.equal(b['s'], 1_795_600_000);
        // Test Plan variables: __P without default is "1", __property without default is the name,
        // and one Test Plan variable cannot see another (JMeter sent "44723-${A}").
        assert.deepEqual([b['A'], b['B'], b['C'], b['D']], ['1', 'NOPE2', 'dflt', '44723-${A}']);
        assert.match(String(b['R']), /^[xyz]{4}$/);
        assert.equal(b['esc'], 'x,y');
        assert.equal(b['nested'], '44723');
      }
      assert.deepEqual(
        bodies.map((b) => b['tn']),
        [1, 2, 1, 2],
      );
      assert.deepEqual(
        bodies.map((b) => b['c']),
        [1, 1, 2, 2],
        '__counter(TRUE) counts per thread',
      );
      assert.deepEqual(
        bodies.map((b) => b['g']),
        [1, 2, 3, 4],
        '__counter(FALSE) is shared',
      );
      assert.equal(new Set(bodies.map((b) => b['R'])).size, 1, 'a variable is evaluated once per run');
    });

    it('sends form arguments exactly as JMeter did: decoded unless always_encode, then form-encoded', () => {
      const r = split(request(plan, 1, threadCtx(plan, 1)));
      assert.equal(r.body, 'data=a+b+c+d&x+y=a+b%26c%25&e=');
      assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded; charset=UTF-8');
      assert.equal(split(request(plan, 2, threadCtx(plan, 1))).body, 'k=v+w');
    });

    it("fails a GET whose unencoded argument holds a space, with JMeter's URISyntaxException", () => {
      const s = plan.threadGroups[0]?.samplers[3];
      assert.ok(s);
      const r = buildRequest(s, threadCtx(plan, 1));
      assert.ok(isRequestError(r));
      assert.equal(r.responseCode, 'Non HTTP response code: java.net.URISyntaxException');
      assert.equal(
        r.responseMessage,
        'Non HTTP response message: Illegal character in query at index 40: http://127.0.0.1:44723/get?z=1&q=a+b&r=x y',
      );
    });

    it('parses nesting, escapes and parentheses inside arguments', () => {
      const ctx: EvalContext = {
        props: { X: 'x' },
        vars: new Map([['V', 'v']]),
        threadNum: 3,
        random: seeded(),
        epochMs: () => 5000,
        sharedCounters: new Map(),
        threadCounters: new Map(),
      };
      const ev = (s: string): string => evaluate(parseTemplate(s), ctx);
      assert.equal(ev('${__P(X)}-${__P(Y,${V})}-${V}-${W}'), 'x-v-v-${W}');
      assert.equal(ev('${__P(Y,a\\,b)}'), 'a,b');
      assert.equal(ev('\\${V}'), '${V}');
      assert.equal(ev('C:\\temp'), 'C:\\temp', 'a value without ${ is taken as it is');
      assert.equal(ev('${__threadNum}/${__threadNum()}'), '3/3');
      assert.equal(ev('${__time(/1000)}'), '5');
      assert.equal(ev('${__Random(7,7,R)}${R}'), '77', 'a function stores its result in the named variable');
      assert.equal(ev('${unclosed'), '${unclosed');
      const groovy = parseTemplate('${__groovy(System.currentTimeMillis())}');
      assert.equal(groovy[0]?.kind, 'call');
      if (groovy[0]?.kind === 'call')
        assert.match(unsupportedReason(groovy[0]) ?? '', /function __groovy is not supported/);
      const time = parseTemplate('${__time(yyyy-MM-dd)}')[0];
      if (time?.kind === 'call') assert.match(unsupportedReason(time) ?? '', /date format/);
    });

    it('encodes and decodes like java.net.URLEncoder and URLDecoder', () => {
      assert.equal(urlEncode('a b&c=d~*._-é'), 'a+b%26c%3Dd%7E*._-%C3%A9');
      assert.equal(urlEncode('é', 'latin1'), '%E9');
      assert.equal(urlDecode('a+b%20c%2B'), 'a b c+');
      assert.throws(() => urlDecode('100%'), /URLDecoder/);
    });
  });

  describe('elements the built-in engine does not run', () => {
    const plan = loadPlan(fixture('unsupported.jmx'), { file: 'unsupported.jmx' });

    it('names each one as "not supported: <element> \'<testname>\'" instead of crashing', () => {
      const messages = plan.findings
        .filter((f) => f.code === 'loadtest/unsupported')
        .map((f) => `${f.severity}: ${f.message}`);
      const expect = [
        /^warning: not supported: CookieManager 'HTTP Cookie Manager': the built-in engine keeps no cookies/,
        /^error: not supported: CSVDataSet 'Users CSV'/,
        /^error: not supported: IfController 'Logged in\?': the built-in engine supports Simple Controllers only/,
        /^error: not supported: JDBCSampler 'Stock query': the built-in engine runs HTTP Request samplers/,
        /^error: not supported: HTTPSamplerProxy 'POST \/login': function __groovy is not supported .*\(in HTTPSampler\.path\)/,
        /^error: not supported: HTTPSamplerProxy 'POST \/login': \$\{__RandomString\(3,\)\}: __RandomString without a character set/,
        /^error: not supported: HTTPSamplerProxy 'Upload': multipart\/form-data bodies/,
        /^error: not supported: HTTPSamplerProxy 'Upload': content encoding 'UTF-16'/,
      ];
      for (const re of expect)
        assert.ok(
          messages.some((m) => re.test(m)),
          `${re}\n${messages.join('\n')}`,
        );
      assert.equal(messages.length, expect.length, messages.join('\n'));
    });

    it('is refused by the built-in engine but left to JMeter, which supports them', () => {
      assert.equal(refusals(plan, 'builtin').length, 7);
      assert.deepEqual(refusals(plan, 'jmeter'), []);
    });
  });

  describe('files that are not plans', () => {
    it('reports malformed XML as the jmx lint does, and the engines refuse it', () => {
      const plan = loadPlan('<jmeterTestPlan><hashTree><TestPlan>', { file: 'broken.jmx' });
      assert.equal(plan.findings[0]?.code, 'jmx/xml-syntax');
      assert.match(refusals(plan)[0] ?? '', /JMeter cannot load the plan/);
      assert.deepEqual(plan.threadGroups, []);
    });

    it('refuses a plan without Thread Groups: nothing would be sent', () => {
      const plan = loadPlan(
        '<jmeterTestPlan><hashTree><TestPlan testname="Empty"/><hashTree/></hashTree></jmeterTestPlan>',
      );
      assert.deepEqual(refusals(plan), [
        'the plan has no Thread Group with threads and an HTTP Request sampler, so nothing would be sent',
      ]);
    });
  });
});
