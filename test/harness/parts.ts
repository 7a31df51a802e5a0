// Every real part the tests and `npm start` use, by the name `npm run harness -- NAME` takes.
import { appPart } from './app';
import { chromiumPart } from './chromium';
import { codeServerPart } from './codeserver';
import { helmPart } from './helm';
import { jmeterPart } from './jmeter';
import { kubePart } from './kube';
import type { Part } from './lib';
import { motoPart } from './moto';
import { operatorPart } from './operator';
import { otelcolPart } from './otelcol';
import { prometheusPart } from './prometheus';
import { sandboxPart } from './sandbox';

export const parts: Record<string, Part> = {
  app: appPart,
  jmeter: jmeterPart,
  chromium: chromiumPart,
  codeserver: codeServerPart,
  otelcol: otelcolPart,
  prometheus: prometheusPart,
  sandbox: sandboxPart,
  kube: kubePart,
  helm: helmPart,
  operator: operatorPart,
  moto: motoPart,
};
