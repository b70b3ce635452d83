// Proves the layering rules of DESIGN.md are enforced: each forbidden import fails `npm run lint`, allowed ones pass.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
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
  ['test/unit/probe.test.ts', "import { app } from 'electron';", 'electron outside main and preload']
];

const allowed: Array<[string, string]> = [
  ['protocol/probe.ts', "import { z } from 'zod'; import { LIMITS } from './limits';"],
  ['main/crypto/probe.ts', "import { ed25519 } from '@noble/curves/ed25519.js'; import { LIMITS } from '../../protocol/limits'; import { x } from './x';"],
  ['main/probe.ts', "import { app } from 'electron'; import fs from 'node:fs'; import { LIMITS } from '../protocol/limits';"],
  ['preload/probe.ts', "import { contextBridge } from 'electron'; import { IPC_CHANNEL_NAMES } from '../protocol/ipc-channels';"],
  ['renderer/src/probe.ts', "import { LIMITS } from '../../protocol/limits'; import { io } from 'socket.io-client';"],
  ['test/unit/probe.test.ts', "import type { WebContents } from 'electron';"],
  ['signaling-server/probe.ts', "import http from 'node:http'; import { LIMITS } from '../protocol/limits';"]
];

describe('layering (eslint no-restricted-imports)', () => {
  it.each(forbidden)('%s: %s fails lint (%s)', async (file, source) => {
    expect((await restrictedImports(file, `${source}\nexport {};\n`)).length).toBeGreaterThan(0);
  });
  it.each(allowed)('%s: %s passes', async (file, source) => {
    expect(await restrictedImports(file, `${source}\nexport {};\n`)).toEqual([]);
  });
});
