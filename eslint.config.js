// Lint: recommended JS + type-aware TypeScript rules. Type-aware so that floating
// promises (a dropped transport write) are caught, which matters in a flasher. Size
// limits keep files and functions small enough to read; import cycles break layering.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { coreRules, layerZones, LIMITS } from './layers.config.js';

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
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
      'max-params': ['error', LIMITS.params],
      'max-lines': ['error', { max: LIMITS.fileLines }],
      'max-lines-per-function': ['error', { max: LIMITS.functionLines }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // The layer table (layers.config.js): a folder imports only the layers below it.
  ...layerZones().map((block) => ({ ...block, plugins: { 'import-x': importX } })),
  // The runtime seam (layers.config.js CORE): no Node built-in or global in the core.
  coreRules(),
  {
    files: [
      'bin/**/*.js',
      'eslint.config.js',
      'layers.config.js',
      'vitest.config.ts',
      'vitest.readme.config.ts',
    ],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
