// Collector configs given together: `otelcol --config=a.yaml --config=b.yaml` merges the files
// (maps key by key, lists replaced), so a later file may name components an earlier one defines
// and an earlier one's pipelines may be replaced. The files say so in a compose file's command.
// Such a layer is not judged alone on what the others may supply.
import { basename } from '../text/fileName';
import type { Workspace } from './model';
import { asMap, at, entries, scalarText, seqItems } from './yamlView';

/** The config paths of one command line: `--config=X`, `--config X`, with a `file:` provider. */
export function configFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const m = /^--config=(.*)$/.exec(a);
    const value = m ? m[1] : a === '--config' ? args[i + 1] : undefined;
    if (value !== undefined && !/^(env|yaml|http|https):/.test(value)) out.push(value.replace(/^file:/, ''));
  }
  return out;
}

/** A compose service's command (a list, or one string split as compose splits it on spaces). */
function commandArgs(node: unknown): string[] {
  const text = scalarText(node);
  if (text !== undefined) return text.split(/\s+/).filter(Boolean);
  return seqItems(node).map((n) => scalarText(n) ?? '');
}

/** Marks each collector config that a compose command merges with others. */
export function markLayeredConfigs(ws: Workspace): void {
  const groups: string[][] = [];
  for (const doc of ws.plainYaml) {
    for (const service of entries(asMap(at(doc.root, ['services'])))) {
      const configs = configFlags([
        ...commandArgs(at(service.value, ['entrypoint'])),
        ...commandArgs(at(service.value, ['command'])),
      ]);
      if (configs.length > 1) groups.push(configs.map(basename));
    }
  }
  for (const cfg of ws.collectors) {
    if (cfg.configMap || cfg.chart) continue;
    const name = basename(cfg.view.file);
    const group = groups.find((g) => g.includes(name));
    if (group) cfg.layers = group;
  }
}
