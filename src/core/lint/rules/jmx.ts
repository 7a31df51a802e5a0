// jmx/*: JMeter plans. Each defect here was run in real JMeter 5.6.3 (test/integration/jmeter.test.ts):
// a Thread Group without its loop controller sends nothing and exits 0; a user-defined variable
// without Argument.name never defines ${NAME}; a sampler without keep-alive opens a connection per request.
import type { Finding, Fix } from '../../finding';
import { t } from '../../text/l10n';
import { parseXml, walk, type XmlElement } from '../../xml/parse';
import type { TextFile } from '../model';
import type { Rule } from '../rule';
import { LineIndex } from '../text';

const threadGroups = new Set(['ThreadGroup', 'SetupThreadGroup', 'PostThreadGroup']);

/** Variables JMeter defines itself. */
const predefined = new Set([
  'START.MS',
  'START.YMD',
  'START.HMS',
  'TESTSTART.MS',
  'JMeterThread.last_sample_ok',
  'JMeterThread.pack',
  '__jm__',
]);

function prop(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.attrs['name'] === name);
}

function childIndent(text: string, el: XmlElement): string {
  const first = el.children[0];
  const at = first ? first.start : el.start;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, at))?.[0] ?? '';
  return first ? indent : `${indent}  `;
}

function textOf(el: XmlElement | undefined): string | undefined {
  return el?.text.trim();
}

function propText(el: XmlElement, name: string): string | undefined {
  return textOf(prop(el, name));
}

/** Offset just after an element's start tag, where a first child goes. */
function afterStartTag(text: string, el: XmlElement): number {
  return text.indexOf('>', el.start) + 1;
}

export function lintJmx(file: TextFile): Finding[] {
  const findings: Finding[] = [];
  const index = new LineIndex(file.text);
  const range = (start: number, end: number) => ({
    start: index.position(start),
    end: index.position(Math.max(start, end)),
  });
  const tagRange = (el: XmlElement) => range(el.start, file.text.indexOf('>', el.start) + 1);
  const insertAt = (offset: number, newText: string) => ({ file: file.file, range: range(offset, offset), newText });

  const doc = parseXml(file.text);
  if (doc.errors.length || !doc.root) {
    for (const e of doc.errors)
      findings.push({
        code: 'jmx/xml-syntax',
        severity: 'error',
        message: t`Not well-formed XML: ${e.message}; JMeter cannot load the plan.`,
        file: file.file,
        range: range(e.offset, e.offset + 1),
      });
    return findings;
  }
  if (doc.root.name !== 'jmeterTestPlan') {
    findings.push({
      code: 'jmx/xml-syntax',
      severity: 'error',
      message: t`The root element is <${doc.root.name}>, not <jmeterTestPlan>: this is not a JMeter plan.`,
      file: file.file,
      range: tagRange(doc.root),
    });
    return findings;
  }

  const defined = new Set<string>();
  const unnamed = new Set<string>();
  for (const el of walk(doc.root)) {
    if (threadGroups.has(el.name) && !prop(el, 'ThreadGroup.main_controller')) {
      // JMeter's own words, quoted as it logs them.
      const unset = '"Property ThreadGroup.main_controller is unset"';
      const indent = childIndent(file.text, el);
      const fix: Fix = {
        title: t`Add the Thread Group's Loop Controller (loops: -1, ended by the duration)`,
        edits: [
          insertAt(
            afterStartTag(file.text, el),
            `\n${indent}<elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" ` +
              `testclass="LoopController" testname="Loop Controller">\n${indent}  <intProp name="LoopController.loops">-1</intProp>\n${indent} ` +
              ` <boolProp name="LoopController.continue_forever">false</boolProp>\n${indent}</elementProp>`,
          ),
        ],
      };
      findings.push({
        code: 'jmx/missing-main-controller',
        severity: 'error',
        message: t`Thread Group '${el.attrs['testname'] ?? ''}' has no ThreadGroup.main_controller: JMeter 5.6.3 loads \
the plan, starts the threads, fails each with ${unset}, sends nothing and still exits 0.`,
        file: file.file,
        range: tagRange(el),
        fixes: [fix],
      });
    }
    const main = threadGroups.has(el.name) ? prop(el, 'ThreadGroup.main_controller') : undefined;
    const loopsText = main ? textOf(prop(main, 'LoopController.loops')) : undefined;
    const forever = main ? prop(main, 'LoopController.continue_forever') : undefined;
    // Same finding as the load-test plan model gives (loadtest/loops-forever), here with its fix:
    // JMeter 5.6.3 reads a missing continue_forever as true and never ends the loop by its count.
    if (
      main &&
      loopsText !== undefined &&
      /^\d+$/.test(loopsText) &&
      Number(loopsText) > 0 &&
      (!forever || textOf(forever) === 'true')
    ) {
      const bounded =
        propText(el, 'ThreadGroup.scheduler') === 'true' && propText(el, 'ThreadGroup.duration') !== undefined;
      const name = el.attrs['testname'] ?? '';
      const outcome = bounded ? t`the threads run until the duration ends` : t`the run never ends by itself`;
      const indent = childIndent(file.text, main);
      const fix: Fix = forever
        ? {
            title: t`Set LoopController.continue_forever to false`,
            edits: [
              {
                file: file.file,
                range: range(forever.start, forever.end),
                newText: '<boolProp name="LoopController.continue_forever">false</boolProp>',
              },
            ],
          }
        : {
            title: t`Add LoopController.continue_forever=false so the loop count ends the run`,
            edits: [
              insertAt(
                afterStartTag(file.text, main),
                `\n${indent}<boolProp name="LoopController.continue_forever">false</boolProp>`,
              ),
            ],
          };
      findings.push({
        code: 'loadtest/loops-forever',
        severity: bounded ? 'warning' : 'error',
        message: forever
          ? t`Thread Group '${name}' asks for ${loopsText} loop(s), but its Loop Controller sets \
LoopController.continue_forever=true, so JMeter 5.6.3 repeats it forever: ${outcome}.`
          : t`Thread Group '${name}' asks for ${loopsText} loop(s), but its Loop Controller lacks \
LoopController.continue_forever=false, so JMeter 5.6.3 repeats it forever: ${outcome}.`,
        file: file.file,
        range: tagRange(main),
        fixes: [fix],
      });
    }
    if (el.name === 'elementProp' && el.attrs['elementType'] === 'Argument') {
      const nameProp = prop(el, 'Argument.name');
      const intended = el.attrs['name'] ?? '';
      if (nameProp?.text) {
        defined.add(nameProp.text);
      } else {
        unnamed.add(intended);
        // JMeter's own words, quoted as it logs them.
        const unknownProtocol = '"unknown protocol: ${PROTOCOL}"';
        // ${NAME}, a value of the sentence: a key holding { } around a placeholder is misread by vscode.l10n.t.
        const reference = `\${${intended}}`;
        const indent = childIndent(file.text, el);
        const fixes: Fix[] = intended
          ? [
              {
                title: t`Name the variable ${intended}`,
                edits: [
                  insertAt(
                    afterStartTag(file.text, el),
                    `\n${indent}<stringProp name="Argument.name">${intended}</stringProp>`,
                  ),
                ],
              },
            ]
          : [];
        findings.push({
          code: 'jmx/argument-missing-name',
          severity: 'error',
          message: t`User-defined variable '${intended}' has no Argument.name, so JMeter never defines ${reference}: \
it stays literal, and in 5.6.3 every request using it fails (for example ${unknownProtocol}).`,
          file: file.file,
          range: tagRange(el),
          fixes,
        });
      }
    }
    // Other ways a plan defines variables.
    if (el.name === 'stringProp') {
      const n = el.attrs['name'] ?? '';
      if (n === 'variableNames') el.text.split(',').forEach((v) => defined.add(v.trim()));
      if (
        /\.(refname|referenceNames|refName)$/.test(n) ||
        n === 'RegexExtractor.refname' ||
        n === 'JSONPostProcessor.referenceNames' ||
        n === 'XPathExtractor.refname' ||
        n === 'BoundaryExtractor.refname'
      )
        el.text.split(';').forEach((v) => defined.add(v.trim()));
      if (n === 'CounterConfig.name') defined.add(el.text.trim());
    }
    if (el.name === 'HTTPSamplerProxy' && prop(el, 'HTTPSampler.use_keepalive')?.text !== 'true') {
      findings.push({
        code: 'jmx/no-keepalive',
        severity: 'info',
        message: t`Sampler '${el.attrs['testname'] ?? ''}' does not set HTTPSampler.use_keepalive, so JMeter opens a \
new TCP connection for every request: the test then measures connection set-up as much as the app.`,
        file: file.file,
        range: tagRange(el),
      });
    }
  }

  // Uses of ${NAME} in property values (functions are ${__name(...)}).
  for (const el of walk(doc.root)) {
    if (!['stringProp', 'boolProp', 'intProp', 'longProp'].includes(el.name) || !el.text.includes('${')) continue;
    for (const m of el.text.matchAll(/\$\{([A-Za-z_][\w.-]*)\}/g)) {
      const name = m[1] ?? '';
      if (defined.has(name) || unnamed.has(name) || predefined.has(name) || name.startsWith('__')) continue;
      const raw = file.text.slice(el.textStart, el.textEnd);
      const at = raw.indexOf(`\${${name}}`);
      const start = at >= 0 ? el.textStart + at : el.textStart;
      // Values of the sentence: a key holding { } around a placeholder is misread by vscode.l10n.t.
      const reference = `\${${name}}`;
      const property = `\${__P(${name},default)}`;
      findings.push({
        code: 'jmx/undefined-variable',
        severity: 'error',
        message: t`${reference} is not defined in this plan (no user-defined variable, CSV data set or extractor names \
it); JMeter sends it literally. Define it, or read a property with ${property}.`,
        file: file.file,
        range: range(start, start + name.length + 3),
      });
    }
  }
  return findings;
}

export const jmxRules: Rule = (ctx) => {
  for (const file of ctx.ws.jmx) for (const f of lintJmx(file)) ctx.report(f);
};
