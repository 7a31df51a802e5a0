// axe-core (the npm package, 4.14.1) run inside a page we drive, as the accessibility check of
// the webview panels. Its source goes in through Playwright's evaluate, which runs over the
// DevTools protocol and so is not subject to the page's CSP (a nonce-only script-src refuses
// addScriptTag's inline script); axe itself needs no eval. Only serious and critical findings fail.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs axe on the document of `where` (WCAG 2.x A and AA rules) and returns its serious and critical violations. */
export async function axeViolations(where: Page | Frame): Promise<AxeViolation[]> {
  const loaded = await where.evaluate('typeof window.axe === "object"');
  if (!loaded) await where.evaluate(axeSource);
  const found = await where.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation and target, for an assertion's message. */
export function describeViolations(vs: readonly AxeViolation[]): string {
  return vs.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(' | ')}`).join('\n');
}
