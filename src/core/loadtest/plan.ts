// The load-test plan model: what a .jmx asks for, read the way JMeter 5.6.3 reads it, so the
// built-in engine can run it and the CLI can say what it will do before it starts. Problems are
// Findings: the jmx/* lint findings for the same file (one rule set, one message), plus
// loadtest/* ones for what the built-in engine cannot reproduce, named rather than guessed.
import type { Finding, Range, Severity } from '../finding';
import { lintJmx } from '../lint/rules/jmx';
import { LineIndex } from '../lint/text';
import { t } from '../text/l10n';
import { parseXml, type XmlElement } from '../xml/parse';
import {
  calls,
  evaluate,
  parseTemplate,
  storedVariables,
  textOf,
  unsupportedReason,
  type EvalContext,
  type Template,
} from './template';

export interface HttpArgument {
  name: Template;
  value: Template;
  /** HTTPArgument.always_encode: encode name and value; otherwise they are taken as already encoded. */
  alwaysEncode: boolean;
  /** Argument.metadata, the separator in a query string ("=" by default). */
  metadata: string;
}

export type AssertionField = 'code' | 'message' | 'data' | 'headers';

export interface ResponseAssertion {
  name: string;
  field: AssertionField;
  /** Assertion.test_type bits: 1 matches, 2 contains, 4 not, 8 equals, 16 substring, 32 or. */
  type: number;
  patterns: Template[];
  assumeSuccess: boolean;
  customMessage: string;
}

export interface Timer {
  name: string;
  /** Milliseconds, evaluated per sample. */
  delay: Template;
  /** Uniform random extra delay in milliseconds (UniformRandomTimer), 0 for a constant timer. */
  range: number;
}

export interface Header {
  name: Template;
  value: Template;
}

export interface HttpSampler {
  label: Template;
  method: string;
  protocol: Template;
  host: Template;
  port: Template;
  /** A path, or a full http(s):// URL (JMeter accepts both). */
  path: Template;
  encoding: 'utf8' | 'latin1';
  /** The name JMeter's Content-Type carries for `encoding`. */
  charset: string;
  keepAlive: boolean;
  followRedirects: boolean;
  args: HttpArgument[];
  /** The arguments' values are the body (postBodyRaw, or every argument unnamed). */
  rawBody: boolean;
  headers: Header[];
  connectTimeoutMs: number | undefined;
  responseTimeoutMs: number | undefined;
  timers: Timer[];
  assertions: ResponseAssertion[];
}

export type OnSampleError = 'continue' | 'startnextloop' | 'stopthread' | 'stoptest' | 'stoptestnow';

export interface ThreadGroupPlan {
  /** setUp groups run before the others, tearDown groups after. */
  kind: 'setup' | 'main' | 'teardown';
  name: string;
  threads: number;
  rampUpSec: number;
  /** With the scheduler on: seconds after the group starts; undefined: the loops end it. */
  durationSec: number | undefined;
  delaySec: number;
  /** -1: until the duration ends it; undefined: no main controller, so JMeter runs nothing. */
  loops: number | undefined;
  onSampleError: OnSampleError;
  /** ThreadGroup.same_user_on_next_iteration: false closes the connections at each iteration. */
  sameUserOnNextIteration: boolean;
  samplers: HttpSampler[];
}

export interface Variable {
  name: string;
  value: Template;
  /** Variables of one element cannot see each other (JMeter 5.6.3 leaves such a ${NAME} literal). */
  element: number;
}

export interface LoadPlan {
  name: string;
  file: string;
  props: Record<string, string>;
  variables: Variable[];
  /** Variables some function writes at run time (e.g. ${__Random(1,9,N)}): never constant. */
  dynamicVariables: string[];
  serializeThreadGroups: boolean;
  threadGroups: ThreadGroupPlan[];
  findings: Finding[];
}

export interface PlanOptions {
  file?: string;
  /** JMeter properties, as given with -J NAME=VALUE. */
  props?: Record<string, string>;
  random?: () => number;
  epochMs?: () => number;
}

const threadGroupKinds: Record<string, ThreadGroupPlan['kind']> = {
  ThreadGroup: 'main',
  SetupThreadGroup: 'setup',
  PostThreadGroup: 'teardown',
};
const listeners = new Set(['ResultCollector', 'Summariser', 'BackendListener']);
/** Elements that change details of what is sent but not the load's shape: warned about, then left out (and why). */
const leftOut: Record<string, () => string> = {
  CookieManager: () => t`the built-in engine keeps no cookies; the run goes on without it`,
  CacheManager: () => t`the built-in engine caches nothing; the run goes on without it`,
  DNSCacheManager: () => t`the built-in engine uses the system resolver; the run goes on without it`,
  AuthManager: () =>
    t`the built-in engine sends no Authorization header from it (use a Header Manager); the run goes on without it`,
};
const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);
const knownMethods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function prop(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.attrs['name'] === name);
}

function propText(el: XmlElement, name: string): string | undefined {
  return prop(el, name)?.text;
}

function propBool(el: XmlElement, name: string, dflt: boolean): boolean {
  const v = propText(el, name)?.trim();
  return v === undefined || v === '' ? dflt : v === 'true';
}

/** The element and hashTree pairs of one hashTree level. */
function* pairs(tree: XmlElement): Generator<[XmlElement, XmlElement | undefined]> {
  const kids = tree.children;
  for (let i = 0; i < kids.length; i++) {
    const el = kids[i];
    if (!el || el.name === 'hashTree') continue;
    const next = kids[i + 1];
    yield [el, next?.name === 'hashTree' ? next : undefined];
  }
}

function isLocalHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export { isLocalHost };

/**
 * The hosts a run would load that are not this machine, for the warning before it starts: the
 * plan's targets, and the SERVER the student typed (a port-forward listens on 127.0.0.1, so it is local).
 */
export function remoteHosts(hit: readonly { host: string; local: boolean }[], server?: string): string[] {
  const remote = [...new Set(hit.filter((h) => !h.local).map((h) => h.host))];
  if (server !== undefined && !isLocalHost(server) && !remote.includes(server)) remote.push(server);
  return remote;
}

interface Scope {
  headers: Header[][];
  timers: Timer[];
  assertions: ResponseAssertion[];
  defaults: XmlElement[];
}

const emptyScope: Scope = { headers: [], timers: [], assertions: [], defaults: [] };

/** Reads a .jmx into a plan. Never throws: what it cannot read or run is in `findings`. */
export function loadPlan(text: string, opts: PlanOptions = {}): LoadPlan {
  const file = opts.file ?? 'plan.jmx';
  const props = { ...(opts.props ?? {}) };
  const plan: LoadPlan = {
    name: '',
    file,
    props,
    variables: [],
    dynamicVariables: [],
    serializeThreadGroups: false,
    threadGroups: [],
    findings: lintJmx({ file, text }).filter((f) => f.code !== 'loadtest/loops-forever'),
  };
  // (The lint's loops-forever sees literal loop counts only; the model's own, below, resolves properties and names the duration.)
  const doc = parseXml(text);
  if (doc.errors.length || doc.root?.name !== 'jmeterTestPlan') return plan;

  const index = new LineIndex(text);
  const tagRange = (el: XmlElement): Range => ({
    start: index.position(el.start),
    end: index.position(Math.max(el.start, text.indexOf('>', el.start) + 1)),
  });
  const report = (code: string, severity: Severity, message: string, el: XmlElement): void => {
    plan.findings.push({ code, severity, message, file, range: tagRange(el) });
  };
  const describe = (el: XmlElement): string => `${el.name} '${el.attrs['testname'] ?? ''}'`;
  const unsupported = (el: XmlElement, why: string, severity: Severity = 'error'): void =>
    report('loadtest/unsupported', severity, t`not supported: ${describe(el)}: ${why}`, el);

  // Templates: parsed once, their functions checked here so a run never meets one it cannot evaluate.
  const stored = new Set<string>();
  // `where` names the field: a property name, or a phrase (t`…`) such as "variable NAME".
  const tpl = (owner: XmlElement, value: string | undefined, where: string): Template => {
    const parsed = parseTemplate(value ?? '');
    for (const c of calls(parsed)) {
      const why = unsupportedReason(c);
      if (why) unsupported(owner, t`${why} (in ${where})`);
    }
    for (const v of storedVariables(parsed)) stored.add(v);
    return parsed;
  };

  // Values that must be fixed when the run starts (thread counts, durations) are evaluated now.
  const vars = new Map<string, string>();
  const ctx: EvalContext = {
    props,
    vars,
    threadNum: 0,
    random: opts.random ?? Math.random,
    epochMs: opts.epochMs ?? Date.now,
    sharedCounters: new Map(),
    threadCounters: new Map(),
  };
  const number = (
    owner: XmlElement,
    name: string,
    dflt: number | undefined,
    what: string,
    min = 0,
  ): number | undefined => {
    const raw = propText(owner, name);
    if (raw === undefined || raw.trim() === '') return dflt;
    const value = evaluate(tpl(owner, raw, name), ctx).trim();
    const n = Number(value);
    if (value === '' || !Number.isInteger(n) || n < min) {
      const el = describe(owner);
      let message: string;
      if (value !== raw)
        message =
          min >= 0
            ? t`${el}: ${what} (${name}) is '${value}' (from '${raw}'), not a whole number of at least ${min}.`
            : t`${el}: ${what} (${name}) is '${value}' (from '${raw}'), not a whole number.`;
      else
        message =
          min >= 0
            ? t`${el}: ${what} (${name}) is '${value}', not a whole number of at least ${min}.`
            : t`${el}: ${what} (${name}) is '${value}', not a whole number.`;
      report('loadtest/invalid-value', 'error', message, owner);
      return dflt;
    }
    return n;
  };

  let elementNo = 0;
  const addVariables = (owner: XmlElement, args: XmlElement | undefined): void => {
    const element = elementNo++;
    const defined: [string, string][] = [];
    for (const a of args?.children.find((c) => c.name === 'collectionProp')?.children ?? []) {
      // Only Argument.name defines a variable (jmx/argument-missing-name reports the others).
      const name = propText(a, 'Argument.name');
      if (!name) continue;
      const value = tpl(owner, propText(a, 'Argument.value'), t`variable ${name}`);
      plan.variables.push({ name, value, element });
      defined.push([name, evaluate(value, ctx)]);
    }
    for (const [n, v] of defined) vars.set(n, v);
  };

  const readArgs = (owner: XmlElement, container: XmlElement | undefined): HttpArgument[] =>
    (container?.children.find((c) => c.name === 'collectionProp')?.children ?? []).map((a) => ({
      name: tpl(owner, propText(a, 'Argument.name'), t`an argument name`),
      value: tpl(owner, propText(a, 'Argument.value'), t`argument ${propText(a, 'Argument.name') ?? ''}`),
      alwaysEncode: propBool(a, 'HTTPArgument.always_encode', false),
      metadata: propText(a, 'Argument.metadata') ?? '=',
    }));

  const readHeaders = (el: XmlElement): Header[] =>
    (prop(el, 'HeaderManager.headers')?.children ?? []).map((h) => ({
      name: tpl(el, propText(h, 'Header.name'), t`a header name`),
      value: tpl(el, propText(h, 'Header.value'), t`header ${propText(h, 'Header.name') ?? ''}`),
    }));

  const readAssertion = (el: XmlElement): ResponseAssertion | undefined => {
    const fieldName = propText(el, 'Assertion.test_field') ?? 'Assertion.response_data';
    const fields: Record<string, AssertionField> = {
      'Assertion.response_code': 'code',
      'Assertion.response_message': 'message',
      'Assertion.response_data': 'data',
      'Assertion.response_headers': 'headers',
    };
    const field = fields[fieldName];
    if (!field) {
      unsupported(el, t`only response code, message, data and headers are checked, not ${fieldName}`);
      return undefined;
    }
    // "Asserion" is JMeter's own spelling of this property.
    const strings = (prop(el, 'Asserion.test_strings') ?? prop(el, 'Assertion.test_strings'))?.children ?? [];
    return {
      name: el.attrs['testname'] ?? '',
      field,
      type: Number(propText(el, 'Assertion.test_type') ?? '16') || 16,
      patterns: strings.map((s) => tpl(el, s.text, t`a pattern`)),
      assumeSuccess: propBool(el, 'Assertion.assume_success', false),
      customMessage: propText(el, 'Assertion.custom_message') ?? '',
    };
  };

  /** Config elements, timers and assertions of one level apply to every sampler of that level and below. */
  const collectScope = (tree: XmlElement | undefined, outer: Scope): Scope => {
    if (!tree) return outer;
    const scope: Scope = {
      headers: [...outer.headers],
      timers: [...outer.timers],
      assertions: [...outer.assertions],
      defaults: [...outer.defaults],
    };
    for (const [el] of pairs(tree)) {
      if (el.attrs['enabled'] === 'false') continue;
      if (el.name === 'HeaderManager') scope.headers.push(readHeaders(el));
      else if (el.name === 'ConstantTimer')
        scope.timers.push({
          name: el.attrs['testname'] ?? '',
          delay: tpl(el, propText(el, 'ConstantTimer.delay') ?? '0', 'ConstantTimer.delay'),
          range: 0,
        });
      else if (el.name === 'UniformRandomTimer')
        scope.timers.push({
          name: el.attrs['testname'] ?? '',
          delay: tpl(el, propText(el, 'ConstantTimer.delay') ?? '0', 'ConstantTimer.delay'),
          range: Number(propText(el, 'RandomTimer.range') ?? '0') || 0,
        });
      else if (el.name === 'ResponseAssertion') {
        const a = readAssertion(el);
        if (a) scope.assertions.push(a);
      } else if (el.name === 'ConfigTestElement' && el.attrs['guiclass'] === 'HttpDefaultsGui')
        scope.defaults.unshift(el);
    }
    return scope;
  };

  const readSampler = (el: XmlElement, children: XmlElement | undefined, outer: Scope): HttpSampler | undefined => {
    const scope = collectScope(children, outer);
    // The nearest HTTP Request Defaults fill what the sampler leaves empty.
    const field = (name: string): { owner: XmlElement; text: string } => {
      const own = propText(el, name);
      if (own !== undefined && own.trim() !== '') return { owner: el, text: own };
      for (const d of scope.defaults) {
        const text = propText(d, name);
        if (text !== undefined && text.trim() !== '') return { owner: d, text };
      }
      return { owner: el, text: '' };
    };
    const fieldTemplate = (name: string): Template => {
      const f = field(name);
      return tpl(f.owner, f.text, name);
    };
    const method = (propText(el, 'HTTPSampler.method') ?? 'GET').trim().toUpperCase() || 'GET';
    let ok = true;
    const refuse = (why: string): void => {
      unsupported(el, why);
      ok = false;
    };
    if (!knownMethods.has(method)) refuse(t`method ${method} (supported: ${[...knownMethods].join(', ')})`);
    if (propBool(el, 'HTTPSampler.DO_MULTIPART_POST', false)) refuse(t`multipart/form-data bodies`);
    if (prop(el, 'HTTPsampler.Files')?.children.some((c) => c.children.length))
      refuse(t`file uploads (HTTPsampler.Files)`);
    if (propBool(el, 'HTTPSampler.image_parser', false))
      refuse(t`retrieving embedded resources (HTTPSampler.image_parser)`);
    if (field('HTTPSampler.ipSource').text.trim()) refuse(t`a source address (HTTPSampler.ipSource)`);
    if (field('HTTPSampler.proxyHost').text.trim()) refuse(t`a proxy (HTTPSampler.proxyHost)`);
    const encodingName = field('HTTPSampler.contentEncoding').text.trim();
    const enc = encodingName.toLowerCase();
    let encoding: HttpSampler['encoding'] = 'utf8';
    if (enc === 'iso-8859-1' || enc === 'latin1') encoding = 'latin1';
    else if (enc !== '' && enc !== 'utf-8' && enc !== 'utf8')
      refuse(t`content encoding '${encodingName}' (UTF-8 and ISO-8859-1 are)`);
    const args = [
      ...readArgs(el, prop(el, 'HTTPsampler.Arguments')),
      ...scope.defaults.flatMap((d) => readArgs(d, prop(d, 'HTTPsampler.Arguments'))),
    ];
    const rawBody =
      propBool(el, 'HTTPSampler.postBodyRaw', false) || (args.length > 0 && args.every((a) => textOf(a.name) === ''));
    if (args.length && !bodyMethods.has(method) && (rawBody || method !== 'GET'))
      refuse(
        rawBody
          ? t`a body with method ${method} (arguments go in the query of a GET and in the body of a POST, PUT or PATCH)`
          : t`arguments with method ${method} (arguments go in the query of a GET and in the body of a POST, PUT or PATCH)`,
      );
    const followRedirects =
      propBool(el, 'HTTPSampler.follow_redirects', false) || propBool(el, 'HTTPSampler.auto_redirects', false);
    const timeout = (name: string): number | undefined => {
      const f = field(name);
      if (!f.text.trim()) return undefined;
      const n = Number(evaluate(tpl(f.owner, f.text, name), ctx));
      return Number.isFinite(n) && n > 0 ? n : undefined;
    };
    // Header managers nearer the sampler win for the same header name.
    const headers = new Map<string, Header>();
    for (const level of scope.headers) for (const h of level) headers.set(textOf(h.name).toLowerCase(), h);
    if (!ok) return undefined;
    if (followRedirects)
      report(
        'loadtest/redirects-not-followed',
        'info',
        t`Sampler '${el.attrs['testname'] ?? ''}' follows redirects in JMeter; \
the built-in engine records a 3xx answer as it is, without following it.`,
        el,
      );
    return {
      label: tpl(el, el.attrs['testname'] ?? '', t`the sampler name`),
      method,
      protocol: fieldTemplate('HTTPSampler.protocol'),
      host: fieldTemplate('HTTPSampler.domain'),
      port: fieldTemplate('HTTPSampler.port'),
      path: fieldTemplate('HTTPSampler.path'),
      encoding,
      charset: encoding === 'latin1' ? 'ISO-8859-1' : 'UTF-8',
      keepAlive: propBool(el, 'HTTPSampler.use_keepalive', false),
      followRedirects,
      args,
      rawBody: rawBody && bodyMethods.has(method),
      headers: [...headers.values()],
      connectTimeoutMs: timeout('HTTPSampler.connect_timeout'),
      responseTimeoutMs: timeout('HTTPSampler.response_timeout'),
      timers: scope.timers,
      assertions: scope.assertions,
    };
  };

  /** Samplers under a Thread Group (through Simple Controllers), in the order a thread runs them. */
  const readSamplers = (tree: XmlElement | undefined, outer: Scope, out: HttpSampler[]): void => {
    if (!tree) return;
    const scope = collectScope(tree, outer);
    for (const [el, children] of pairs(tree)) {
      if (el.attrs['enabled'] === 'false') continue;
      if (el.name === 'HTTPSamplerProxy') {
        const s = readSampler(el, children, scope);
        if (s) out.push(s);
      } else if (el.name === 'GenericController') readSamplers(children, scope, out);
      else if (
        ['HeaderManager', 'ConstantTimer', 'UniformRandomTimer', 'ResponseAssertion'].includes(el.name) ||
        (el.name === 'ConfigTestElement' && el.attrs['guiclass'] === 'HttpDefaultsGui')
      )
        continue;
      else if (el.name === 'Arguments')
        unsupported(el, t`User Defined Variables inside a Thread Group (put them at the Test Plan level)`);
      else classifyOther(el);
    }
  };

  const classifyOther = (el: XmlElement): void => {
    const leftOutWhy = leftOut[el.name];
    if (listeners.has(el.name))
      report(
        'loadtest/ignored',
        'info',
        t`ignored: ${describe(el)}: listeners do not change the load; the built-in engine writes its own .jtl.`,
        el,
      );
    else if (leftOutWhy) unsupported(el, leftOutWhy(), 'warning');
    else if (el.name.endsWith('Sampler') || el.name.endsWith('SamplerProxy') || el.name === 'HTTPSampler2')
      unsupported(
        el,
        t`the built-in engine runs HTTP Request samplers (HTTPSamplerProxy) only; run this plan with --engine jmeter`,
      );
    else if (el.name.endsWith('Controller'))
      unsupported(el, t`the built-in engine supports Simple Controllers only; run this plan with --engine jmeter`);
    else if (el.name.endsWith('ThreadGroup') || el.name.includes('.threads.'))
      unsupported(
        el,
        t`only the standard Thread Group, setUp and tearDown Thread Groups are supported; run this plan with --engine jmeter`,
      );
    else unsupported(el, t`the built-in engine does not implement this element; run this plan with --engine jmeter`);
  };

  const root = doc.root.children.find((c) => c.name === 'hashTree');
  if (!root) return plan;
  for (const [testPlan, planTree] of pairs(root)) {
    if (testPlan.name !== 'TestPlan') {
      classifyOther(testPlan);
      continue;
    }
    plan.name = testPlan.attrs['testname'] ?? '';
    plan.serializeThreadGroups = propBool(testPlan, 'TestPlan.serialize_threadgroups', false);
    addVariables(testPlan, prop(testPlan, 'TestPlan.user_defined_variables'));
    if (!planTree) continue;
    // Standalone User Defined Variables are all processed before any thread starts.
    for (const [el] of pairs(planTree))
      if (el.name === 'Arguments' && el.attrs['enabled'] !== 'false') addVariables(el, el);
    const planScope = collectScope(planTree, emptyScope);
    for (const [el, children] of pairs(planTree)) {
      if (el.attrs['enabled'] === 'false' || el.name === 'Arguments') continue;
      const kind = threadGroupKinds[el.name];
      if (!kind) {
        if (
          !['HeaderManager', 'ConstantTimer', 'UniformRandomTimer', 'ResponseAssertion'].includes(el.name) &&
          !(el.name === 'ConfigTestElement' && el.attrs['guiclass'] === 'HttpDefaultsGui')
        )
          classifyOther(el);
        continue;
      }
      const name = el.attrs['testname'] ?? '';
      const main = prop(el, 'ThreadGroup.main_controller');
      const scheduler = propBool(el, 'ThreadGroup.scheduler', false);
      const onError = (propText(el, 'ThreadGroup.on_sample_error') ?? 'continue').trim();
      const errorModes: OnSampleError[] = ['continue', 'startnextloop', 'stopthread', 'stoptest', 'stoptestnow'];
      const group: ThreadGroupPlan = {
        kind,
        name,
        threads: number(el, 'ThreadGroup.num_threads', 1, t`the number of threads`) ?? 1,
        rampUpSec: number(el, 'ThreadGroup.ramp_time', 0, t`the ramp-up period`) ?? 0,
        durationSec: scheduler ? number(el, 'ThreadGroup.duration', undefined, t`the duration`) : undefined,
        delaySec: scheduler ? (number(el, 'ThreadGroup.delay', 0, t`the start delay`) ?? 0) : 0,
        loops: main ? number(main, 'LoopController.loops', 1, t`the loop count`, -1) : undefined,
        onSampleError: errorModes.find((m) => m === onError) ?? 'continue',
        sameUserOnNextIteration: propBool(el, 'ThreadGroup.same_user_on_next_iteration', true),
        samplers: [],
      };
      // JMeter 5.6.3 reads a missing LoopController.continue_forever as true: the main loop never
      // ends by its count (loops=3 sent 1,542 requests in a 2 s run); the GUI always writes false.
      if (
        main &&
        group.loops !== undefined &&
        group.loops > 0 &&
        propBool(main, 'LoopController.continue_forever', true)
      ) {
        const bounded = group.durationSec !== undefined;
        const setting = prop(main, 'LoopController.continue_forever')
          ? t`its Loop Controller sets LoopController.continue_forever=true`
          : t`its Loop Controller lacks LoopController.continue_forever=false`;
        const consequence = bounded
          ? t`the threads run until the ${group.durationSec} s duration ends`
          : t`the run never ends by itself`;
        report(
          'loadtest/loops-forever',
          bounded ? 'warning' : 'error',
          t`Thread Group '${name}' asks for ${group.loops} loop(s), but ${setting}, so JMeter repeats it forever: \
${consequence}. Add <boolProp name="LoopController.continue_forever">false</boolProp> to the main controller.`,
          main,
        );
        group.loops = -1;
      }
      readSamplers(children, planScope, group.samplers);
      plan.threadGroups.push(group);
      if (!group.samplers.length)
        report(
          'loadtest/no-samplers',
          'warning',
          t`Thread Group '${name}' has no HTTP Request sampler the built-in engine can run, so it sends nothing.`,
          el,
        );
      if (main && group.loops === -1 && group.durationSec === undefined)
        report(
          'loadtest/unbounded',
          'info',
          t`Thread Group '${name}' loops forever and has no duration: the run goes on until it is stopped.`,
          el,
        );
      if (group.loops === 0 && main)
        report(
          'loadtest/no-samplers',
          'warning',
          t`Thread Group '${name}' has a loop count of 0, so its threads send nothing.`,
          el,
        );
    }
  }
  plan.dynamicVariables = [...stored];
  return plan;
}

/** The lint codes whose defect makes JMeter itself send nothing useful. */
const jmeterConsequence: Record<string, () => string> = {
  'jmx/missing-main-controller': () => t`JMeter would send nothing`,
  'jmx/argument-missing-name': () => t`JMeter would send the variable's \${NAME} literally`,
  'jmx/undefined-variable': () => t`JMeter would send the \${NAME} literally`,
  'jmx/xml-syntax': () => t`JMeter cannot load the plan`,
  'loadtest/loops-forever': () => t`JMeter would never stop`,
};

/**
 * Why an engine will not run the plan: every error finding, worded as its consequence. The
 * built-in engine refuses on jmx/* and loadtest/* errors; JMeter runs what it supports itself, so
 * only the jmx/* defects (which make JMeter send nothing or nonsense) and a run that would never
 * end (loadtest/loops-forever) stop it.
 */
export function refusals(plan: LoadPlan, engine: 'builtin' | 'jmeter' = 'builtin'): string[] {
  const first = ['jmx/xml-syntax', 'jmx/missing-main-controller'];
  const rank = (code: string): number => (first.includes(code) ? first.indexOf(code) : first.length);
  const reasons = plan.findings
    .filter(
      (f) =>
        f.severity === 'error' &&
        (engine === 'builtin' || f.code.startsWith('jmx/') || f.code === 'loadtest/loops-forever'),
    )
    .sort((a, b) => rank(a.code) - rank(b.code))
    .map((f) => {
      const line = f.range ? `${f.file ?? plan.file}:${f.range.start.line + 1}: ` : '';
      const consequence = jmeterConsequence[f.code]?.();
      return consequence ? t`${line}${consequence}: ${f.message} (${f.code})` : t`${line}${f.message} (${f.code})`;
    });
  if (
    !reasons.length &&
    !plan.threadGroups.some((g) => g.threads > 0 && g.samplers.length > 0 && g.loops !== 0 && g.loops !== undefined)
  )
    reasons.push(t`the plan has no Thread Group with threads and an HTTP Request sampler, so nothing would be sent`);
  return reasons;
}

export interface Target {
  thread: string;
  label: string;
  method: string;
  url: string;
  host: string;
  local: boolean;
}

/** What each sampler will hit, as resolved now (first thread, plan-time values), for printing before a run. */
export function targets(plan: LoadPlan, opts: { random?: () => number; epochMs?: () => number } = {}): Target[] {
  const ctx: EvalContext = {
    props: plan.props,
    vars: resolveVariables(plan, { random: opts.random ?? Math.random, epochMs: opts.epochMs ?? Date.now }),
    threadNum: 1,
    random: opts.random ?? Math.random,
    epochMs: opts.epochMs ?? Date.now,
    sharedCounters: new Map(),
    threadCounters: new Map(),
  };
  const out: Target[] = [];
  for (const g of plan.threadGroups) {
    for (const s of g.samplers) {
      const e = endpoint(s, ctx);
      out.push({
        thread: g.name,
        label: evaluate(s.label, ctx),
        method: s.method,
        url: e.url,
        host: e.host,
        local: isLocalHost(e.host),
      });
    }
  }
  return out;
}

/** The user-defined variables' values for one run (functions in them are evaluated once, at the start). */
export function resolveVariables(
  plan: LoadPlan,
  clock: { random: () => number; epochMs: () => number },
): Map<string, string> {
  const vars = new Map<string, string>();
  let element = -1;
  let pending: [string, string][] = [];
  const ctx: EvalContext = {
    props: plan.props,
    vars,
    threadNum: 0,
    random: clock.random,
    epochMs: clock.epochMs,
    sharedCounters: new Map(),
    threadCounters: new Map(),
  };
  for (const v of plan.variables) {
    if (v.element !== element) {
      for (const [n, val] of pending) vars.set(n, val);
      pending = [];
      element = v.element;
    }
    pending.push([v.name, evaluate(v.value, ctx)]);
  }
  for (const [n, val] of pending) vars.set(n, val);
  return vars;
}

export interface Endpoint {
  protocol: string;
  host: string;
  port: number;
  /** Path and query as sent on the request line. */
  path: string;
  url: string;
}

/** Protocol, host, port and path of a sampler for one request, with JMeter's defaults (http, port 80/443, "/"). */
export function endpoint(s: HttpSampler, ctx: EvalContext): Endpoint & { portText: string } {
  let protocol = evaluate(s.protocol, ctx).trim().toLowerCase() || 'http';
  let host = evaluate(s.host, ctx).trim();
  let portText = evaluate(s.port, ctx).trim();
  let path = evaluate(s.path, ctx).trim();
  const full = /^(https?):\/\/([^/:?#]+|\[[^\]]+\])(?::(\d*))?([^#]*)/i.exec(path);
  if (full) {
    protocol = (full[1] ?? 'http').toLowerCase();
    host = full[2] ?? '';
    portText = full[3] ?? '';
    path = full[4] ?? '';
  }
  if (!path.startsWith('/')) path = `/${path}`;
  const defaultPort = protocol === 'https' ? 443 : 80;
  const port = portText === '' ? defaultPort : Number(portText);
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `${protocol}://${hostPart}${port === defaultPort ? '' : `:${portText}`}${path}`;
  return { protocol, host, port, path, url, portText };
}
