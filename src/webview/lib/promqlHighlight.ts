// PromQL's colours in the query editor from the workbench theme, not CodeMirror's default style
// (fixed colours made for a light background, unreadable on a dark or high-contrast one). A
// webview gets no token colours, so these are the theme colours VS Code does give it that mean the
// same things in its own views: the debugger's expression colours (name, string, number, keyword)
// and the symbol icons' function and variable colours.
import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';

export const promqlHighlight = HighlightStyle.define([
  { tag: tags.function(tags.variableName), color: 'var(--vscode-symbolIcon-functionForeground)' },
  { tag: tags.variableName, color: 'var(--vscode-debugTokenExpression-name)' },
  { tag: tags.labelName, color: 'var(--vscode-symbolIcon-variableForeground)' },
  { tag: tags.string, color: 'var(--vscode-debugTokenExpression-string)' },
  { tag: tags.number, color: 'var(--vscode-debugTokenExpression-number)' },
  {
    tag: [tags.operatorKeyword, tags.modifier, tags.logicOperator],
    color: 'var(--vscode-debugTokenExpression-boolean)',
  },
  { tag: tags.comment, color: 'var(--vscode-descriptionForeground)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--vscode-errorForeground)' },
]);
