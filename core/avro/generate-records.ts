import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATED_FILE, renderRecordTypes } from './record-types.ts';

// `npm run records:generate`: writes core/records.generated.ts from schemas/*.avsc. Deterministic
// output; core/records.test.ts fails while the committed file is stale.
const target = fileURLToPath(new URL(`../../${GENERATED_FILE}`, import.meta.url));
const text = renderRecordTypes();
writeFileSync(target, text);
console.log(`wrote ${GENERATED_FILE} (${String(text.length)} bytes)`);
