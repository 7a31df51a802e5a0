// lab/manifest-invalid: obslab-lab.json by the scaffold's own rules. Commands pass over a manifest
// they cannot trust (its values end up in commands and names); here the student sees why, on the
// field, while editing it.
import type { Node } from 'yaml';
import { checkLabManifest, labManifestName, labManifestProblemText } from '../../scaffold/plan';
import { basename } from '../../text/fileName';
import { t } from '../../text/l10n';
import { at as report, type Rule } from '../rule';
import { at } from '../yamlView';

export const labManifestRules: Rule = (ctx) => {
  for (const doc of ctx.ws.json) {
    if (basename(doc.view.file) !== labManifestName) continue;
    const r = checkLabManifest(doc.view.text);
    if (r.ok) continue;
    for (const p of r.problems) {
      // The field's value where it exists, else its parent object, else the whole file.
      const path = p.field.startsWith('(') ? [] : p.field.split('.');
      let node: unknown;
      for (let i = path.length; i > 0 && node === undefined; i--) node = at(doc.root, path.slice(0, i));
      ctx.report(
        report(
          doc.view,
          (node ?? doc.root) as Node,
          'lab/manifest-invalid',
          'error',
          t`${labManifestProblemText(p.field === '(file)' ? { ...p, field: labManifestName } : p)}. \
The extension and obslab use no value of this manifest until it is valid; correct it, or create \
the lab files again (Create Lab Files, or obslab scaffold).`,
        ),
      );
    }
  }
};
