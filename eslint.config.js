import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettierConfig from 'eslint-config-prettier/flat';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/dist/**', '**/ui-dist/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  // The panel UI: Vue single-file components with TypeScript, running in the browser.
  ...pluginVue.configs['flat/recommended'].map((config) => ({
    ...config,
    files: ['panel-ui/**/*.vue', 'plugins/*/ui/**/*.vue', 'examples/*/ui/**/*.vue'],
  })),
  {
    files: ['panel-ui/**/*.vue', 'plugins/*/ui/**/*.vue', 'examples/*/ui/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    rules: {
      // Prettier-style line breaking is not what these rules check; layout is left to the author.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['panel-ui/**/*.{ts,vue}', 'plugins/*/ui/**/*.{ts,vue}', 'examples/*/ui/**/*.{js,vue}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        localStorage: 'readonly',
        navigator: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
        HTMLSelectElement: 'readonly',
        HTMLCanvasElement: 'readonly',
        HTMLDialogElement: 'readonly',
        ResizeObserver: 'readonly',
        getComputedStyle: 'readonly',
        Event: 'readonly',
        DragEvent: 'readonly',
        File: 'readonly',
        XMLHttpRequest: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
    rules: { 'no-console': ['error', { allow: ['error'] }] },
  },
  {
    // The test image's own scripts: the game server's console is its stdout.
    files: ['test/fixtures/**/*.mjs'],
    languageOptions: { globals: { require: 'readonly' } },
    rules: { 'no-console': 'off', 'no-empty': ['error', { allowEmptyCatch: true }] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // A promise nobody awaits loses its error (an unhandled rejection ends the process) and its
    // ordering; these two rules need the type checker, so they read the TypeScript project.
    files: ['core/**/*.ts', 'wings-agent/**/*.ts', 'plugins/*/src/**/*.ts', 'sdk/src/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', '*/bench/**/*.ts', 'core/src/cli.ts', 'core/src/main.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
  // Layout is Prettier's (npm run format); ESLint's own layout rules would fight it.
  prettierConfig,
);
