import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run many cases; keep CI on a 2-core machine comfortable.
    testTimeout: 30_000,
  },
});
