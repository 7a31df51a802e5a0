// The workbench theme as the pages' charts need it. CSS follows the --vscode-* variables by
// itself, but a canvas (uPlot) takes colours as strings: read them from the variables VS Code
// sets, and draw again when the student switches theme (VS Code then rewrites the variables on
// <html> and the theme class on <body>: vscode-light, vscode-dark, vscode-high-contrast,
// vscode-high-contrast-light).

/** A --vscode-* variable's value, or `fallback` where the page has none (the page tests, or a colour the theme leaves unset). */
export function themeColour(variable: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback;
}

export const highContrast = (): boolean =>
  document.body.classList.contains('vscode-high-contrast') ||
  document.body.classList.contains('vscode-high-contrast-light');

/**
 * The workbench's chart colours (VS Code's charts.* theme colours), in the order series take them.
 * Not charts.orange: Dark Modern makes it a faint wash (rgba(234, 92, 0, 0.33), code-server
 * 4.139.1, 2026-12-05) and the high-contrast themes leave it unset.
 */
const chartVariables: readonly [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
];

export interface ChartTheme {
  /** One colour per series, in the order above; a series past the last reuses them dashed (`dashFor`). */
  series: string[];
  foreground: string;
  lines: string;
  /** Line width: thicker in high contrast. */
  width: number;
}

export function chartTheme(): ChartTheme {
  return {
    series: chartVariables.map(([v, f]) => themeColour(v, f)),
    foreground: themeColour('--vscode-charts-foreground', themeColour('--vscode-foreground', '#cccccc')),
    lines: themeColour('--vscode-charts-lines', 'rgba(128,128,128,0.5)'),
    width: highContrast() ? 2.5 : 1.5,
  };
}

/** Series i's colour, and a dash once the colours have all been used, so no two series look alike. */
export function seriesStyle(t: ChartTheme, i: number): { stroke: string; dash?: number[] } {
  const stroke = t.series[i % t.series.length] ?? t.foreground;
  const round = Math.floor(i / t.series.length);
  return round === 0 ? { stroke } : { stroke, dash: round === 1 ? [6, 3] : [2, 3] };
}

/** Calls `redraw` after the workbench theme changes (the body's theme class or the variables on <html>). */
export function onThemeChange(redraw: () => void): void {
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      redraw();
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
