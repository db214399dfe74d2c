// Prints the sha256 (hex) of an API key, for auth.apiKeys[].sha256 in the configuration:
//   npx tsx ingest/hash-key.ts <key>        or        printf %s "$KEY" | npx tsx ingest/hash-key.ts
// With no key given, it generates a random one and prints both (store the key with its holder only).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sha256Hex } from '../core/auth/api-keys.ts';

function keyFromInput(): string | undefined {
  const arg = process.argv[2];
  if (arg !== undefined) return arg;
  if (process.stdin.isTTY) return undefined;
  const piped = readFileSync(0, 'utf8').trim();
  return piped === '' ? undefined : piped;
}

const given = keyFromInput();
if (given !== undefined) {
  process.stdout.write(`${sha256Hex(given)}\n`);
} else {
  const key = randomBytes(32).toString('base64url');
  process.stdout.write(`key:    ${key}\nsha256: ${sha256Hex(key)}\n`);
}
