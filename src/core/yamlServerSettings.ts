// What our yaml-language-server is told: offline, completion and hover only.

/**
 * Settings for our yaml-language-server: offline (no schema store), no formatting, no
 * validation, and no schema by file name: which schema a file gets is asked per file (the
 * client answers custom/schema/request from its text), so YAML that is not the lab's gets none.
 */
export function yamlServerSettings(): Record<string, unknown> {
  return {
    validate: false,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false, url: '' },
    schemas: {},
    customTags: [],
    keyOrdering: false,
    maxItemsComputed: 5000,
    disableDefaultProperties: false,
  };
}
