// simple-peer expects Node's `process` global in the browser bundle; must be the first import.
import process from 'process/browser.js';

(globalThis as { process?: unknown }).process ??= process;
