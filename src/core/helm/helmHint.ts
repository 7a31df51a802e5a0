// How to get helm, in one place: the prerequisites check says it without loading the Helm step's code.
import { commandInText, type Command } from '../shellQuote';
import { t } from '../text/l10n';

/**
 * The package managers' commands that install helm, as https://helm.sh/docs/intro/install/ and
 * the snap's own page list them (checked 2026-12-05): values, so they can be copied or run too.
 */
export const helmInstallCommands = {
  macOS: [['brew', 'install', 'helm']],
  Windows: [
    ['winget', 'install', 'Helm.Helm'],
    ['choco', 'install', 'kubernetes-helm'],
  ],
  Linux: [['sudo', 'snap', 'install', 'helm', '--classic']],
} as const satisfies Record<string, readonly Command[]>;

const either = (commands: readonly Command[]): string => commands.map(commandInText).reduce((a, b) => t`${a} or ${b}`);

/** How to install helm, in the language t`…` speaks when called. */
export function helmInstallHintText(): string {
  const macOS = either(helmInstallCommands.macOS);
  const windows = either(helmInstallCommands.Windows);
  const linux = either(helmInstallCommands.Linux);
  return t`Install Helm (https://helm.sh/docs/intro/install/): ${macOS} on macOS, ${windows} on Windows, \
${linux} or the script from the install page on Linux; then put it on PATH or set obslab.helmPath to the binary.`;
}

/** The same in English, made when the module loads (before any translator is installed). */
export const helmInstallHint = helmInstallHintText();
