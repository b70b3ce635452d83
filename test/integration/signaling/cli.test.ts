// The CLI: starts with defaults and prints its URL, exits 0 on SIGTERM, and exits 2 naming a bad variable.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const cli = (args: string[], env: Record<string, string> = {}) => spawn(process.execPath, ['--import', 'tsx', 'signaling-server/cli.ts', ...args], {
  cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe']
});

describe('signaling cli', () => {
  it('prints the URL, serves /healthz, and shuts down cleanly on SIGTERM', async () => {
    const p = cli(['--port', '0', '--log-level', 'silent']);
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      p.stdout.on('data', (d) => {
        out += String(d);
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      p.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses bad configuration with a message naming the variable', async () => {
    const p = cli([], { PORT: '99999' });
    let err = '';
    p.stderr.on('data', (d) => { err += String(d); });
    const code = await new Promise<number | null>((resolve) => p.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('PORT must be an integer 0–65535');
  });
});
