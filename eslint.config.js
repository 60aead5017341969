// ESLint 9 flat config (scripts/lint.sh): the recommended rules over the
// repository's own JavaScript, all CommonJS on Node (>= 20, package.json).
const js = require('@eslint/js')
const globals = require('globals')

module.exports = [
  {
    // Built, installed and generated files are not ours to lint.
    ignores: ['**/node_modules/**', 'target/**', '.venv/**', 'bench/.venv/**', 'bench/.venv-detect-secrets/**', 'bench/node/native/**'],
  },
  {
    files: [
      'eslint.config.js',
      'bindings-node/**/*.js',
      'tests/node/**/*.js',
      'tests/cross/**/*.js',
      'examples/**/*.js',
      'scripts/*.js',
      'bench/**/*.js',
    ],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
    rules: {
      ...js.configs.recommended.rules,
      // `catch {}` is how the tests and benches say "this may throw; only the
      // log matters": allowed, but other empty blocks are still errors.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
]
