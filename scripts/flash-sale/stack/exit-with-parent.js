// Preloaded (node -r) into every process of a flash-sale stack: when the simulation that
// started it goes away without stopping it (killed, crashed), the process is adopted by
// another parent; it then stops itself gracefully (SIGTERM) instead of living on as an orphan.
'use strict';
const parent = process.ppid;
const CHECK_EVERY_MS = 500;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, CHECK_EVERY_MS).unref();
