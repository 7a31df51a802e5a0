// How to get helm, in one place: the prerequisites check says it without loading the Helm step's code.
import { commandInText, type Command } from '../shellQuote';

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

const either = (commands: readonly Command[]): string => commands.map(commandInText).join(' or ');

export const helmInstallHint =
  'Install Helm (https://helm.sh/docs/intro/install/): ' +
  `${either(helmInstallCommands.macOS)} on macOS, ` +
  `${either(helmInstallCommands.Windows)} on Windows, ` +
  `${either(helmInstallCommands.Linux)} or the script from the install page on Linux; ` +
  'then put it on PATH or set obslab.helmPath to the binary.';
