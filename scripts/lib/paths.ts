import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GENERATED = join(ROOT, 'generated');
export const GENERATED_TEMPLATES = join(GENERATED, 'templates');
export const GENERATED_PARAMETERS = join(GENERATED, 'parameters');
export const GENERATED_STANDALONE = join(GENERATED, 'standalone');
