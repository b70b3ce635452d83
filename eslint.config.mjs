// Lint rules, including the layering of DESIGN.md: which folder may import what.
import js from '@eslint/js';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const msg = {
  node: 'Node built-ins are not allowed in this layer (see docs/ARCHITECTURE.md).',
  electron: 'Only main/ and preload/ may import electron.',
  main: 'This layer must not import main/.',
  renderer: 'This layer must not import renderer/.',
  server: 'This layer must not import signaling-server/.',
  preload: 'This layer must not import preload/.',
  ours: 'protocol/ imports nothing of ours.'
};
const pat = (group, message) => ({ group, message });
const layer = (files, paths, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] }
});
const noElectron = [{ name: 'electron', message: msg.electron }];
const noNode = nodeBuiltins.map((name) => ({ name, message: msg.node }));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'release/', 'test-results/', '**/*.d.ts.map'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always']
    }
  },
  { files: ['renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  // protocol/: pure contracts. Only third-party schema code, no node, no DOM-only APIs, nothing of ours.
  layer(['protocol/**/*.ts'], [...noElectron, ...noNode], [
    { regex: '^\\.\\./', message: msg.ours },
    pat(['**/main/**', '**/renderer/**', '**/preload/**', '**/signaling-server/**'], msg.ours)
  ]),
  // main/crypto/: @noble/* and protocol only.
  layer(['main/crypto/**/*.ts'], [...noElectron, ...noNode], [
    { regex: '^(?!@noble/|\\./[^/]+$|\\.\\./\\.\\./protocol/[^/]+$)', message: 'main/crypto imports only @noble/* and protocol/.' }
  ]),
  // renderer/: never main, signaling-server, electron or node.
  layer(['renderer/**/*.{ts,tsx}'], [...noElectron, ...noNode], [
    pat(['**/main/**', '**/main'], msg.main),
    pat(['**/signaling-server/**', '**/signaling-server'], msg.server),
    pat(['**/preload/**', '**/preload'], msg.preload)
  ]),
  // signaling-server/: never main, renderer, preload or electron.
  layer(['signaling-server/**/*.ts'], noElectron, [
    pat(['**/main/**', '**/main'], msg.main),
    pat(['**/renderer/**', '**/renderer'], msg.renderer),
    pat(['**/preload/**', '**/preload'], msg.preload)
  ]),
  // preload/: the bridge only; it may use protocol and electron, never main or renderer.
  layer(['preload/**/*.ts'], [], [
    pat(['**/main/**', '**/main'], msg.main),
    pat(['**/renderer/**', '**/renderer'], msg.renderer),
    pat(['**/signaling-server/**'], msg.server)
  ]),
  // Everything outside main/ and preload/ (tests, bench, scripts) must not import electron either,
  // except the Electron suite, which drives the real binary through Playwright, not through imports.
  // Tests may import Electron's *types* to build thin stand-ins for objects the missing binary would provide.
  layer(['test/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.{mjs,ts}'], [{ ...noElectron[0], allowTypeImports: true }], [])
);
