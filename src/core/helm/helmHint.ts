// How to get helm, in one place: the prerequisites check says it without loading the Helm step's code.
export const helmInstallHint =
  'Install Helm (https://helm.sh/docs/intro/install/): `brew install helm` on macOS, ' +
  '`winget install Helm.Helm` or `choco install kubernetes-helm` on Windows, ' +
  '`sudo snap install helm --classic` or the script from the install page on Linux; ' +
  'then put it on PATH or set obslab.helmPath to the binary.';
