import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVISIONING_DIR, renderProvisioning } from './provisioning.ts';
import { defaultSettings } from './settings.ts';

// `npm run dashboards:generate`: writes dashboards/provisioning/ from the code, removing any file
// there that the code no longer produces. Output is deterministic (sorted keys, no timestamps).

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = join(root, PROVISIONING_DIR);

function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

const files = renderProvisioning(defaultSettings());
for (const stale of listFiles(outDir).filter((f) => !files.has(f))) {
  rmSync(join(outDir, stale));
  console.log(`removed ${PROVISIONING_DIR}/${stale}`);
}
for (const [path, text] of files) {
  const target = join(outDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${PROVISIONING_DIR}/${path} (${text.length} bytes)`);
}
