// Proves the layering rules of docs/ARCHITECTURE.md are enforced: each forbidden import or reach-in fails `npm run lint`, allowed ones pass.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports') || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const forbidden: Array<[string, string, string]> = [
  ['protocol/probe.ts', "import { readFileSync } from 'node:fs';", 'node built-in in protocol'],
  ['protocol/probe.ts', "import { app } from 'electron';", 'electron in protocol'],
  ['protocol/probe.ts', "import { createMainServices } from '../main/services';", 'main in protocol'],
  ['protocol/probe.ts', "import { x } from '../renderer/src/app/App';", 'renderer in protocol'],
  ['main/crypto/probe.ts', "import { randomBytes } from 'node:crypto';", 'node:crypto in main/crypto'],
  ['main/crypto/probe.ts', "import { z } from 'zod';", 'a non-noble library in main/crypto'],
  ['main/crypto/probe.ts', "import { createMainServices } from '../services';", 'main services in main/crypto'],
  ['main/crypto/probe.ts', "import { app } from 'electron';", 'electron in main/crypto'],
  ['renderer/src/probe.ts', "import { createMainServices } from '../../main/services';", 'main in renderer'],
  ['renderer/src/probe.ts', "import { createSignalingServer } from '../../signaling-server/index';", 'server in renderer'],
  ['renderer/src/probe.ts', "import { buildVeilApi } from '../../preload/api';", 'preload in renderer'],
  ['renderer/src/probe.ts', "import { ipcRenderer } from 'electron';", 'electron in renderer'],
  ['renderer/src/probe.ts', "import fs from 'fs';", 'node built-in in renderer'],
  ['signaling-server/probe.ts', "import { createMainServices } from '../main/services';", 'main in server'],
  ['signaling-server/probe.ts', "import { App } from '../renderer/src/app/App';", 'renderer in server'],
  ['signaling-server/probe.ts', "import { app } from 'electron';", 'electron in server'],
  ['preload/probe.ts', "import { createMainServices } from '../main/services';", 'main in preload'],
  ['test/unit/probe.test.ts', "import { app } from 'electron';", 'electron outside main and preload'],
  ['main/e2ee/probe.ts', "import { createDispatcher } from '../ipc/dispatcher';", 'the IPC transport in a domain service'],
  ['main/files/probe.ts', "import { buildIpcHandlers } from '../ipc/handlers';", 'the IPC transport in file transfer'],
  ['main/probe.ts', "import { createDispatcher } from './ipc/dispatcher';", 'the IPC transport in services.ts-level code'],
  ['main/files/probe.ts', "import type { Session } from '../e2ee/peers';", "an E2EE service's internal module from outside main/e2ee"],
  ['main/probe.ts', "import { buildParts } from './e2ee/parts';", "the E2EE service's parts from outside main/e2ee"],
  ['main/ipc/probe.ts', "declare const e2ee: object; export const p = (e2ee as Record<string, unknown>)['parts'];", 'bracket access to the private parts'],
  ['main/files/probe.ts', "declare const s: { counters: { sendCounter: number } }; s.counters.sendCounter = 7;", 'a send counter written outside PeerSessions'],
  ['main/files/probe.ts', "declare const p: { highestEpoch: number }; p.highestEpoch++;", 'an epoch written outside PeerSessions'],
  ['renderer/src/rtc/probe.ts', "import { useApp } from '../store'; useApp.getState().pushAlert('x');", 'the store read or written from rtc/']
];

const allowed: Array<[string, string]> = [
  ['protocol/probe.ts', "import { z } from 'zod'; import { LIMITS } from './limits';"],
  ['main/crypto/probe.ts', "import { ed25519 } from '@noble/curves/ed25519.js'; import { LIMITS } from '../../protocol/limits'; import { x } from './x';"],
  ['main/probe.ts', "import { app } from 'electron'; import fs from 'node:fs'; import { LIMITS } from '../protocol/limits';"],
  ['preload/probe.ts', "import { contextBridge } from 'electron'; import { IPC_CHANNEL_NAMES } from '../protocol/ipc-channels';"],
  ['renderer/src/probe.ts', "import { LIMITS } from '../../protocol/limits'; import { io } from 'socket.io-client';"],
  ['test/unit/probe.test.ts', "import type { WebContents } from 'electron';"],
  ['signaling-server/probe.ts', "import http from 'node:http'; import { LIMITS } from '../protocol/limits';"],
  ['main/ipc/probe.ts', "import { DomainError } from '../errors'; import type { E2eeService } from '../e2ee/e2ee';"],
  ['main/app.ts', "import { createDispatcher } from './ipc/dispatcher'; import { buildIpcHandlers } from './ipc/handlers';"],
  ['main/files/probe.ts', "import type { E2eeService } from '../e2ee/e2ee'; import type { AuditLog } from '../e2ee/audit'; import { DomainError } from '../errors';"],
  ['main/e2ee/probe.ts', "import type { Session } from './peers'; import type { E2eeParts } from './parts'; import { LIMITS } from '../../protocol/limits';"],
  ['main/e2ee/peers.ts', "declare const s: { counters: { sendCounter: number } }; s.counters.sendCounter = 7;"],
  ['test/unit/probe.test.ts', "declare const e2ee: object; export const p = (e2ee as Record<string, unknown>)['parts'];"]
];

describe('layering (eslint no-restricted-imports)', () => {
  it.each(forbidden)('%s: %s fails lint (%s)', async (file, source) => {
    expect((await restrictedImports(file, `${source}\nexport {};\n`)).length).toBeGreaterThan(0);
  });
  it.each(allowed)('%s: %s passes', async (file, source) => {
    expect(await restrictedImports(file, `${source}\nexport {};\n`)).toEqual([]);
  });
});
