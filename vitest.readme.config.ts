import { defineConfig } from 'vitest/config';

// `npm run test:readme`: README.md's commands, run against the simulator (test/readme/).
export default defineConfig({
  test: {
    include: ['test/readme/**/*.test.ts'],
    globalSetup: ['test/fresh-build.ts', 'test/global-tmp.ts'],
    testTimeout: 150_000,
    maxWorkers: 2,
  },
});
