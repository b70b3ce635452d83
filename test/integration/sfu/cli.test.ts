// `npm run signaling -- --sfu`: starts a private Janus, serves SFU paths, and stops Janus on SIGTERM; a clear exit without Janus.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasJanus } from '../../support/janus';

const root = path.resolve(__dirname, '../../..');
const cli = (args: string[], env: Record<string, string> = {}) => spawn(process.execPath, ['--import', 'tsx', 'signaling-server/cli.ts', ...args], {
  cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe']
});

describe('signaling cli --sfu', () => {
  it('without Janus installed: exits 3 saying so', async () => {
    const p = cli(['--sfu', '--port', '0'], { JANUS_BIN: '/nonexistent/janus' });
    let err = '';
    p.stderr.on('data', (d) => { err += String(d); });
    expect(await new Promise<number | null>((resolve) => p.once('exit', resolve))).toBe(3);
    expect(err).toContain('Janus is not installed (no /nonexistent/janus)');
  });

  it.skipIf(!hasJanus)('starts a local Janus, reports it in /healthz, and removes it on SIGTERM', async () => {
    const p = cli(['--sfu', '--port', '0', '--log-level', 'silent']);
    let out = '';
    const [url, dir] = await new Promise<[string, string]>((resolve, reject) => {
      p.stdout.on('data', (d) => {
        out += String(d);
        const m = /listening on (http:\/\/\S+)/.exec(out);
        const j = /config in (\S+)/.exec(out);
        if (m && j) resolve([m[1]!, j[1]!]);
      });
      p.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).toMatch(/Local Janus \(SFU\) on ws:\/\/127\.0\.0\.1:\d+/);
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', janus: 'ready', janusUp: 1 });
    expect(existsSync(dir)).toBe(true);
    const exited = new Promise<number | null>((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});
