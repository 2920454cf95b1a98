#!/usr/bin/env node
import { main } from './cli.js';
import { limitHeapGrowth } from './heap.js';
import { onStdoutError } from './output.js';

limitHeapGrowth();
// `redirect-audit ... | head` exits quietly; a full disk under `> file` is one line and exit 2.
process.stdout.on('error', onStdoutError);
main(process.argv).then((code) => {
  process.exitCode = code;
});
