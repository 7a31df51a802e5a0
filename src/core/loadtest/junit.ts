// A load test's goals as a JUnit XML report, the format CI servers read for test results: one
// <testsuite> (the plan) inside <testsuites>, a <testcase> per goal, a <failure> naming the measured
// figure for each goal missed, an <error> testcase when the run itself failed. Shaped for what GitLab
// (testcase classname shows as the suite, the failure's text is what it shows, a repeated
// classname+name is dropped) and Jenkins' JUnit plugin (Ant's format: tests/failures/errors/time
// counts) read. Text is escaped, and characters XML 1.0 cannot carry are dropped.
import { t } from '../text/l10n';
import { goalsVerdict, type GoalResult } from './goals';

export interface JunitReportInput {
  /** The command that judged the goals, before the suite in the report's name; default `obslab loadtest`. */
  tool?: string;
  /** The suite's name and each testcase's classname: the plan's name, or its file. */
  suite: string;
  /** ISO 8601 without a zone (Ant's format), e.g. 2026-12-05T21:30:00. */
  timestamp: string;
  hostname: string;
  /** The run's length in seconds, each testcase's time. */
  durationSec: number;
  results: readonly GoalResult[];
  /** Why the run itself failed (no samples, every sample failed, the engine stopped): an error testcase. */
  runError?: string;
  /** Shown as <property> elements (plan file, .jtl, engine). */
  properties?: Record<string, string>;
}

/** Text safe in XML 1.0 attribute values and content. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- dropping exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .replace(/\r/g, '&#13;')
      .replace(/\n/g, '&#10;')
      .replace(/\t/g, '&#9;')
  );
}

const seconds = (n: number): string => (Number.isFinite(n) && n > 0 ? n.toFixed(3) : '0.000');

/** Names made unique (GitLab keeps only the first of a repeated classname+name). */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} (${k})`;
  });
}

export function junitReport(input: JunitReportInput): string {
  const a = xmlEscape;
  const time = seconds(input.durationSec);
  const failures = input.results.filter((r) => !r.met).length;
  const errors = input.runError === undefined ? 0 : 1;
  const tests = input.results.length + errors;
  // Testcase names stay English: CI servers follow a test's history by its name, whatever language a run spoke.
  const names = uniqueNames([...input.results.map((r) => `goal ${r.goal.text}`), 'the run finishes']);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${a(`${input.tool ?? 'obslab loadtest'}: ${input.suite}`)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${a(input.suite)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" ` +
      `time="${time}" timestamp="${a(input.timestamp)}" hostname="${a(input.hostname || 'localhost')}">`,
  ];
  const props = Object.entries(input.properties ?? {});
  const verdict = goalsVerdict(input.results);
  if (verdict) props.push(['verdict', verdict]);
  if (props.length) {
    lines.push('    <properties>');
    for (const [name, value] of props) lines.push(`      <property name="${a(name)}" value="${a(value)}"/>`);
    lines.push('    </properties>');
  }
  input.results.forEach((r, i) => {
    const open = `    <testcase classname="${a(input.suite)}" name="${a(names[i] ?? r.goal.text)}" time="${time}"`;
    if (r.met) {
      lines.push(`${open}/>`);
      return;
    }
    const message = t`goal ${r.goal.text} missed: ${r.figure}`;
    lines.push(
      `${open}>`,
      `      <failure message="${a(message)}" type="GoalMissed">${a(message)}</failure>`,
      '    </testcase>',
    );
  });
  if (input.runError !== undefined) {
    const name = names[input.results.length] ?? 'the run finishes';
    lines.push(
      `    <testcase classname="${a(input.suite)}" name="${a(name)}" time="${time}">`,
      `      <error message="${a(input.runError)}" type="RunFailed">${a(input.runError)}</error>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
