import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Some files build their inputs first (the ground-truth simulator writes every scenario): seconds on a quiet
    // machine, more on a busy one.
    hookTimeout: 60_000,
    // Most of the suite waits on child processes (the built CLI, nats-server, Chromium): three test files at a
    // time keep two cores busy where one at a time (vitest's default here: cores - 1) leaves them idle.
    maxWorkers: 3,
  },
});
