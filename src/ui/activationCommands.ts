// The handlers that live in dist/extension.js itself (the `activation` bundle of src/features.ts):
// small commands with nothing heavy to load, and the query panel's restore.
export { openWalkthroughCommand } from './walkthrough';
export { prerequisitesCommand } from './prerequisitesCommand';
export { queryPrometheusCommand, restoreQueryPanel } from './queryPanel';
export { scaffoldCommand } from './scaffoldCommand';
export { taskFilesCommand } from './taskFilesCommand';
