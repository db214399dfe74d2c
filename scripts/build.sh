#!/usr/bin/env bash
# The production build: the services (core, ingest, processors, api) compiled by tsc to JavaScript
# in dist/ (git-ignored), laid out as the sources are, plus the files the code reads beside itself at
# run time (paths relative to import.meta.url), so `node dist/ingest/main.js` runs without tsx.
# Tests, benchmarks and dev scripts stay TypeScript (vitest, tsx). About 10 s.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rm -rf dist
npx tsc -p tsconfig.build.json
mkdir -p dist/schemas dist/stack dist/core/clickhouse/migrations
cp schemas/*.avsc dist/schemas/                                  # core/avro/schemas.ts: ../../schemas/
cp stack/ports.env dist/stack/                                   # core/config/stack-defaults.ts: ../../stack/ports.env
cp core/clickhouse/migrations/*.sql dist/core/clickhouse/migrations/  # core/clickhouse/migrate.ts: ./migrations/

# The build reads what it needs from dist/ alone: every schema, every migration, the stack defaults.
node --input-type=module -e "
  const { SCHEMA_FILES, loadSchema } = await import('./dist/core/avro/schemas.js');
  const { readMigrations } = await import('./dist/core/clickhouse/migrate.js');
  const { stackDefaults } = await import('./dist/core/config/stack-defaults.js');
  for (const key of Object.keys(SCHEMA_FILES)) loadSchema(key);
  const migrations = readMigrations();
  stackDefaults();
  console.error('[build] dist/: ' + Object.keys(SCHEMA_FILES).length + ' schemas, ' + migrations.length + ' migrations');
"
