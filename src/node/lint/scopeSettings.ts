// What the two lint settings mean for a scope, in one place the editor's linting and its status-bar
// hint both read: obslab.lint.scope (where the editor lints) and obslab.lint.labRules (where the
// lab's own rules apply). No I/O and no vscode, so the meaning is tested in plain Node.
import { t } from '../../core/text/l10n';
import type { LintScope } from './scope';

export const lintScopeValues = ['workspace', 'labFolders', 'off'] as const;
export const labRulesValues = ['labFolders', 'always'] as const;
export type LintScopeSetting = (typeof lintScopeValues)[number];
export type LabRulesSetting = (typeof labRulesValues)[number];

export interface LintSettings {
  scope: LintScopeSetting;
  labRules: LabRulesSetting;
}

/** A setting's value, or its default when the user wrote something else. */
export function lintSettings(scope: unknown, labRules: unknown): LintSettings {
  return {
    scope: lintScopeValues.find((v) => v === scope) ?? 'workspace',
    labRules: labRulesValues.find((v) => v === labRules) ?? 'labFolders',
  };
}

/** Whether the editor lints a file of this scope (undefined: an untitled document). */
export function lintsIn(scope: LintScope | undefined, s: LintSettings): boolean {
  return s.scope === 'workspace' || (s.scope === 'labFolders' && scope?.lab === true);
}

export function labRulesIn(scope: LintScope | undefined, s: LintSettings): boolean {
  return s.labRules === 'always' || scope?.lab === true;
}

export interface RulesHint {
  text: string;
  tooltip: string;
}

/** The status-bar hint: which rules are on for the active file, and which setting changes that. */
export function rulesHint(scope: LintScope | undefined, s: LintSettings): RulesHint {
  const where = scope
    ? scope.lab
      ? t`the lab folder ${scope.dir}`
      : t`the folder ${scope.dir} (its files, not its subfolders)`
    : t`this document alone`;
  if (!lintsIn(scope, s)) {
    const why =
      s.scope === 'off'
        ? t`obslab.lint.scope is off`
        : t`this file is not in a lab folder (one holding obslab-lab.json) and obslab.lint.scope is labFolders`;
    return {
      text: t`$(checklist) Obslab: lint off`,
      tooltip: t`Observability Lab does not lint this file: ${why}. Change it with the setting obslab.lint.scope.`,
    };
  }
  if (labRulesIn(scope, s)) {
    const why = scope?.lab ? t`it is a lab folder` : t`obslab.lint.labRules is always`;
    return {
      text: t`$(checklist) Obslab: lab rules`,
      tooltip: t`Linted with ${where}, with the lab's own rules (its release label, its ServiceAccount names) because ${why}. \
Change where they apply with the setting obslab.lint.labRules.`,
    };
  }
  return {
    text: t`$(checklist) Obslab: general rules`,
    tooltip: t`Linted with ${where}, with general rules only: the lab's own rules apply in lab folders \
(holding obslab-lab.json). Change that with the setting obslab.lint.labRules.`,
  };
}
