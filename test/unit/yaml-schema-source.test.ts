// The YAML server reads schemas from files only: which URIs count as files, and what the rest get.
import { strict as assert } from 'node:assert';
import { schemaSourceRefusal } from '../../src/yamlServer/schemaSource';

describe('YAML server: schema sources', () => {
  it('reads file: URIs, absolute and relative paths, and Windows drive paths', () => {
    for (const uri of [
      'file:///home/me/schemas/lab.json',
      'FILE:///x.json',
      '/abs/schema.json',
      './schemas/x.json',
      'schemas/x.json',
      'c:\\schemas\\x.json',
      'D:/schemas/x.json',
    ])
      assert.equal(schemaSourceRefusal(uri), undefined, uri);
  });

  it('refuses http, https and any other scheme with "remote schemas are not fetched"', () => {
    for (const uri of [
      'http://127.0.0.1:8080/x.json',
      'HTTPS://example.com/x.json',
      'ftp://host/x.json',
      'data:application/json,{}',
      'vscode://schemas/x',
      'obslab-preview:/x.json',
    ]) {
      assert.match(schemaSourceRefusal(uri) ?? '', /^remote schemas are not fetched \([a-z-]+: /, uri);
    }
  });
});
