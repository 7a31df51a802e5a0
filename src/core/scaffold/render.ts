// Lab templates are plain files with {{name}} placeholders. Rendering is strict: a placeholder
// without a value is a bug in the template, never silently left in a student's file.

const placeholder = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

export function renderTemplate(
  text: string,
  vars: Readonly<Record<string, string>>,
  templateName = 'template',
): string {
  return text.replace(placeholder, (_whole, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${templateName}: no value for {{${name}}}`);
    return value;
  });
}

export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(placeholder)].map((m) => m[1] ?? ''))];
}
