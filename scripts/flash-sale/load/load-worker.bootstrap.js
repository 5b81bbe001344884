// Worker threads start without the parent's TypeScript loader (e.g. under jest): register it, then run the worker.
require('@swc-node/register');
require('./load-worker.ts');
