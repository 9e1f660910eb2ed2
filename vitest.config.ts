import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The README's commands run on their own (`npm run test:readme`, vitest.readme.config.ts).
    exclude: ['test/readme/**', '**/node_modules/**'],
    // The build first (tests of the command line run it), then the run's own temp folder.
    globalSetup: ['test/fresh-build.ts', 'test/global-tmp.ts', 'test/real-captures-note.ts'],
    // Property tests run many cases; keep CI on a 2-core machine comfortable.
    testTimeout: 30_000,
    // Most test time is a simulated modem's real protocol time (a banner ≈1 s after Sahara,
    // a 3 s switch, a boot): waiting, not CPU. Four workers on two cores overlap the waits.
    maxWorkers: 4,
  },
});
