// What every webview page shares: the VS Code API handle, typed by the page's messages, and an
// element builder that takes attributes and children as text nodes, so data never becomes HTML.
// (Apart from src/webview/*.ts, which esbuild bundles as pages: this folder holds no page.)

export interface VsCodeApi<Out, State = unknown> {
  postMessage(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** The page's handle; VS Code allows one call per page. */
export function vscodeApi<Out, State = unknown>(): VsCodeApi<Out, State> {
  return acquireVsCodeApi() as VsCodeApi<Out, State>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (string | Node)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/**
 * Replaces `parent`'s children as a page redraws, keeping the keyboard's place: the element that
 * had the focus gets it back when the new content has one with its id (a Refresh or Run again
 * button), so a redraw never drops the focus to the top of the page.
 */
export function replaceKeepingFocus(parent: Element, ...children: Node[]): void {
  const focused = document.activeElement;
  const id = focused && parent.contains(focused) ? focused.id : '';
  parent.replaceChildren(...children);
  if (id) document.getElementById(id)?.focus();
}

/**
 * A translated sentence with elements in it (a name in <code>, a list of them): `compose` gets one
 * marker per node to put in its t`…` as values, and each marker in the sentence it gives back becomes
 * that node again, wherever the translation moved it. Text around the nodes stays text, never markup.
 */
export function withNodes(compose: (...marks: string[]) => string, ...nodes: (string | Node)[]): (string | Node)[] {
  const marks = nodes.map((_, i) => `\uE000${i}\uE001`);
  return compose(...marks)
    .split(/\uE000(\d+)\uE001/)
    .map((part, i) => (i % 2 ? (nodes[Number(part)] ?? '') : part))
    .filter((part) => part !== '');
}
