// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'
import vitest from '@vitest/eslint-plugin'

// The core (src/) must stay runtime-agnostic: no runtime globals, no Node modules, no undici.
const coreGlobals = [
  'fetch',
  'process',
  'Deno',
  'Bun',
  'window',
  'document',
  'navigator',
  'Buffer',
  'global',
  'require',
  'localStorage',
  'sessionStorage',
]

const runtimeAgnostic = {
  group: ['undici', 'undici/*', 'node:*'],
  message: 'src/ is runtime-agnostic: use platform/',
}

/**
 * The request lifecycle is a stack whose layers only call down (CONTRIBUTING.md "Layout"):
 * session → send (attempts) → follow (redirects) → hop (one hop) → transport and the pure
 * core. A module may import a higher layer's types, never its code.
 */
const lifecycle = [
  { files: ['src/follow.ts'], above: ['send', 'plan', 'session'] },
  { files: ['src/hop.ts'], above: ['send', 'plan', 'session', 'follow'] },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/{index,session,send,features,follow,hop,prepared}.ts'],
    above: ['send', 'plan', 'session', 'follow', 'hop'],
  },
]

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.cache/**', 'test/fixtures/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['src/**/*.ts', 'platform/**/*.ts', 'cli/**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Public entry points validate input from untyped JavaScript callers on purpose.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/unified-signatures': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without a parser and a resolver for .ts, import-x/no-cycle resolves nothing and
      // silently passes.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'no-restricted-globals': [
        'error',
        ...coreGlobals.map((name) => ({
          name,
          message: `src/ is runtime-agnostic: ${name} belongs in platform/`,
        })),
      ],
      'import-x/no-nodejs-modules': 'error',
      'no-restricted-imports': ['error', { patterns: [runtimeAgnostic] }],
    },
  },
  ...lifecycle.map(({ files, ignores, above }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            runtimeAgnostic,
            {
              regex: `(^|/)(${above.join('|')})\\.ts$`,
              allowTypeImports: true,
              message: 'Layers call only down (CONTRIBUTING.md "Layout"): import its types only.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,mjs}', 'scripts/**/*.mjs', '*.config.{ts,mjs}'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        globalThis: 'readonly',
        Blob: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
        ReadableStream: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Examples are what a reader copies: plain JavaScript for Node, Workers and the browser.
    files: ['examples/**/*.{js,mjs}'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'Response', 'Request', 'location', 'document'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
    },
  },
)
