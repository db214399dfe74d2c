import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run dashboards:generate`: writes dashboards/provisioning/ from the code, removing any file
// there that the code no longer produces. Output is deterministic (sorted keys, no timestamps) and
// describes the default local stack (stack/ports.env): a second stack's ports file
// (CALLWATCH_STACK_PORTS_FILE) is ignored, hence the late import of the code that reads it.
delete process.env.CALLWATCH_STACK_PORTS_FILE;
const { PROVISIONING_DIR, renderProvisioning } = await import('./provisioning.ts');
const { defaultSettings } = await import('./settings.ts');

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
