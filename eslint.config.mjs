// Lint rules, including the layering of docs/ARCHITECTURE.md: which folder may import what, and which parts stay private.
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
  ours: 'protocol/ imports nothing of ours.',
  ipc: 'Domain code never imports main/ipc/: throw DomainError (main/errors.ts); only main/ipc/, main/app.ts and main/index.ts see the transport.',
  e2ee: 'Outside main/e2ee/ use the E2eeService operations (main/e2ee/e2ee.ts) and the AuditLog; its other modules are its private parts.',
  store: 'renderer/src/rtc/ emits events (rtc/events.ts); the app layer (renderer/src/app/) writes the store.'
};
const pat = (group, message) => ({ group, message });
const layer = (files, paths, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] }
});
const noElectron = [{ name: 'electron', message: msg.electron }];
const noNode = nodeBuiltins.map((name) => ({ name, message: msg.node }));
const rendererPatterns = [
  pat(['**/main/**', '**/main'], msg.main),
  pat(['**/signaling-server/**', '**/signaling-server'], msg.server),
  pat(['**/preload/**', '**/preload'], msg.preload)
];
/** Bracket access by name compiles even for a `private` member: outside tests, the E2EE service's parts stay unreachable. */
const noPrivateParts = { selector: "MemberExpression[computed=true][property.value=/^(parts|settingsStore)$/]", message: msg.e2ee };
/** Send counters and epochs only move inside PeerSessions (main/e2ee/peers.ts), so nonces never repeat and epochs only go up. */
const counterWrites = ['sendCounter', 'highestEpoch'].flatMap((name) => [
  { selector: `AssignmentExpression > MemberExpression.left[property.name='${name}']`, message: `${name} is changed only by PeerSessions.` },
  { selector: `UpdateExpression > MemberExpression.argument[property.name='${name}']`, message: `${name} is changed only by PeerSessions.` }
]);

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
  // main/ domain code: no IPC transport, no E2EE internals. main/crypto/ below replaces these with its stricter list.
  layer(['main/**/*.ts'], [], [
    { regex: '^(\\.{1,2}/)+ipc/', message: msg.ipc },
    { regex: '(^|/)e2ee/(?!(e2ee|audit)$)', message: msg.e2ee }
  ]),
  { files: ['main/ipc/**/*.ts', 'main/app.ts', 'main/index.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
    { regex: '(^|/)e2ee/(?!(e2ee|audit)$)', message: msg.e2ee }
  ] }] } },
  { files: ['main/e2ee/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
    { regex: '^(\\.{1,2}/)+ipc/', message: msg.ipc }
  ] }] } },
  { files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}', 'signaling-server/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{mjs,ts}'],
    ignores: ['main/e2ee/peers.ts'],
    rules: { 'no-restricted-syntax': ['error', noPrivateParts, ...counterWrites] } },
  // main/crypto/: @noble/* and protocol only.
  layer(['main/crypto/**/*.ts'], [...noElectron, ...noNode], [
    { regex: '^(?!@noble/|\\./[^/]+$|\\.\\./\\.\\./protocol/[^/]+$)', message: 'main/crypto imports only @noble/* and protocol/.' }
  ]),
  // renderer/: never main, signaling-server, electron or node.
  layer(['renderer/**/*.{ts,tsx}'], [...noElectron, ...noNode], rendererPatterns),
  // renderer/src/rtc/: WebRTC only; it tells the app layer what happened through events and never touches the store.
  layer(['renderer/src/rtc/**/*.ts'], [...noElectron, ...noNode], [
    ...rendererPatterns,
    { group: ['**/store', '**/store/**'], message: msg.store, allowTypeImports: true }
  ]),
  { files: ['renderer/src/rtc/**/*.ts'], rules: { 'no-restricted-syntax': ['error', noPrivateParts, ...counterWrites,
    { selector: "CallExpression[callee.property.name='getState']", message: msg.store }] } },
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
