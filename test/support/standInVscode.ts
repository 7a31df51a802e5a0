// src/ui modules in plain Node: their `import 'vscode'` meets a stand-in that holds only what the
// test drives (the dialogs it answers, the messages it reads back). For the describe it is called
// in, it loads the modules fresh against the stand-in, and afterwards forgets them, so no other
// test meets this stand-in and this test meets no other's.
import Module from 'node:module';
import { join } from 'node:path';

type Loader = (request: string, ...rest: unknown[]) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };

/** vscode.l10n.t in English: `{0}` and the like filled in, as VS Code does without a bundle. */
export const englishL10n = {
  t: (message: string, ...args: unknown[]): string =>
    message.replace(/\{(\d+)\}/g, (_m: string, i: string) => String(args[Number(i)])),
};

function forgetUiModules(): void {
  for (const key of Object.keys(require.cache)) if (key.includes(join('src', 'ui'))) delete require.cache[key];
}

/**
 * Registers the enclosing describe's before and after hooks: `load` runs in the before hook with
 * `stub` as the vscode module (and any module a test requires later meets it too, until the
 * after hook). Returns what `load` gave, to be read from the tests.
 */
export function withStandInVscode<T>(stub: object, load: () => T): () => T {
  let realLoad: Loader | undefined;
  let loaded: { value: T } | undefined;
  before(() => {
    forgetUiModules();
    const real = (realLoad = moduleWithLoad._load);
    moduleWithLoad._load = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? stub : real.call(this, request, ...rest);
    };
    loaded = { value: load() };
  });
  after(() => {
    if (realLoad) moduleWithLoad._load = realLoad;
    forgetUiModules();
  });
  return () => {
    if (!loaded) throw new Error('the src/ui modules are loaded in the before hook: read them in a test');
    return loaded.value;
  };
}
