// The rule engine: files in, Findings out. Cross-resource rules see every file at once.
// It never throws: a rule that fails reports that it failed, and the other rules still run.
import type { Finding } from '../finding';
import { t } from '../text/l10n';
import { buildWorkspace, type LintInput } from './model';
import { defaultLintOptions, makeContext, type LintOptions, type Rule } from './rule';
import { collectorRules } from './rules/collector';
import { collectorChartRules, helmRules } from './rules/helm';
import { iamRules } from './rules/iam';
import { jmxRules } from './rules/jmx';
import { labManifestRules } from './rules/labManifest';
import { k8sRules, serviceMonitorRules } from './rules/k8s';
import { collectorSchemaRules, schemaRules } from './rules/schema';

export const rules: Record<string, Rule> = {
  collector: collectorRules,
  collectorSchema: collectorSchemaRules,
  schema: schemaRules,
  k8s: k8sRules,
  servicemonitor: serviceMonitorRules,
  helm: helmRules,
  collectorChart: collectorChartRules,
  jmx: jmxRules,
  iam: iamRules,
  labManifest: labManifestRules,
};

export function lint(inputs: LintInput[], options: Partial<LintOptions> = {}): Finding[] {
  const opts = { ...defaultLintOptions, ...options };
  let ws;
  try {
    ws = buildWorkspace(inputs);
  } catch (e) {
    return inputs.map((i) => internalError(i.file, undefined, e));
  }
  const findings: Finding[] = [...ws.findings];
  const ctx = makeContext(ws, opts, findings);
  for (const [name, rule] of Object.entries(rules)) {
    try {
      rule(ctx);
    } catch (e) {
      findings.push(internalError(inputs[0]?.file, name, e));
    }
  }
  return sortFindings(findings);
}

/** `rules` names the rules that failed; undefined when reading the files did. */
function internalError(file: string | undefined, rules: string | undefined, e: unknown): Finding {
  const error = e instanceof Error ? e.message : String(e);
  return {
    code: 'lint/internal-error',
    severity: 'info',
    message:
      rules === undefined
        ? t`Observability Lab could not finish reading: ${error}. Please report this.`
        : t`Observability Lab could not finish the ${rules} rules: ${error}. Please report this.`,
    ...(file ? { file } : {}),
  };
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) ||
      (a.range?.start.character ?? 0) - (b.range?.start.character ?? 0) ||
      a.code.localeCompare(b.code),
  );
}
