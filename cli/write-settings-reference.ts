import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withSettingsReference } from './settings.ts';

/** `npm run docs:settings`: regenerates the README's settings reference from the schema. */
const README = resolve(import.meta.dirname, '../README.md');
const updated = withSettingsReference(readFileSync(README, 'utf8'));
if (updated === null) {
  process.stderr.write('README.md has no settings reference markers\n');
  process.exitCode = 1;
} else writeFileSync(README, updated);
