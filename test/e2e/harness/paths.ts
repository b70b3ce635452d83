// The repository root, whether this runs as ESM (vitest) or CommonJS (tsx scripts: bench, screenshots).
import path from 'node:path';

const here: string = typeof __dirname === 'string' ? __dirname : import.meta.dirname;
export const REPO_ROOT = path.resolve(here, '../../..');
