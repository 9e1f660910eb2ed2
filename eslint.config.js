// Lint: recommended JS + type-aware TypeScript rules. Type-aware so that floating
// promises (a dropped transport write) are caught, which matters in a flasher.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-bench/**',
      'dist-usb-vm/**',
      'usb-vm-results/**',
      'coverage/**',
      'node_modules/**',
      'captures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js', 'vitest.config.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
