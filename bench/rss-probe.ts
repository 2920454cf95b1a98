/**
 * Preloaded into a CLI run by the shape matrix (`node --import ./dist/bench/rss-probe.js dist/cli/bin.js …`): at
 * exit it writes the process's peak RSS and CPU time (all threads, getrusage) to stderr as one `__PROBE__` line,
 * the figures bench/run.ts reads inside its own case processes.
 */
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\n__PROBE__ ${JSON.stringify({ maxRssKB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
});
