#!/usr/bin/env node
import { main } from './cli.js';
import { limitHeapGrowth } from './heap.js';

limitHeapGrowth();
main(process.argv).then((code) => {
  process.exitCode = code;
});
