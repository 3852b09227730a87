import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one worker on a two-core machine. Most of this
    // suite waits on DynamoDB Local, the sandbox and child processes, so two files at a time finish in
    // about three quarters of the time without starving either (three made single files twice as slow).
    maxWorkers: 2,
  },
});
