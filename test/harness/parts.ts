// Every real part the tests and `npm start` use, by the name `npm run harness -- NAME` takes.
import { appPart } from './app';
import { jmeterPart } from './jmeter';
import type { Part } from './lib';

export const parts: Record<string, Part> = {
  app: appPart,
  jmeter: jmeterPart,
};
