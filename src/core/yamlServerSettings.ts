// What our yaml-language-server is told: offline, completion and hover only.

/** Settings for our yaml-language-server: offline (no schema store), no formatting, no validation. */
export function yamlServerSettings(schemaUri: string): Record<string, unknown> {
  return {
    validate: false,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false, url: '' },
    schemas: { [schemaUri]: ['*.yaml', '*.yml'] },
    customTags: [],
    keyOrdering: false,
    maxItemsComputed: 5000,
    disableDefaultProperties: false,
  };
}
