// Deterministic text for the provisioning files: keys sorted at every level, functions and undefined
// dropped (the SDK's objects carry a type-marker function), no timestamps. Same input, same bytes.

export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** A JSON-shaped copy with sorted keys; throws on values JSON cannot hold (NaN, Infinity, bigint). */
export function toPlain(value: unknown, path = '$'): Plain | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path}: ${value} has no JSON form`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toPlain(v, `${path}[${i}]`) ?? null);
  if (typeof value === 'object') {
    const out: { [key: string]: Plain } = {};
    for (const key of Object.keys(value).sort()) {
      const v = toPlain((value as Record<string, unknown>)[key], `${path}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  throw new Error(`${path}: a ${typeof value} has no JSON form`);
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(toPlain(value), null, 2)}\n`;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Strings written bare: no YAML indicator, no leading/trailing space, not a number/bool/null look-alike.
const PLAIN_STRING = /^[A-Za-z_/][A-Za-z0-9_ ./-]*$/;
const YAML_WORDS = /^(true|false|yes|no|on|off|null|y|n)$/i;

function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  if (PLAIN_STRING.test(v) && !v.endsWith(' ') && !YAML_WORDS.test(v)) return v;
  // A JSON string literal is a valid YAML double-quoted scalar.
  return JSON.stringify(v);
}

/** Multi-line text as a literal block (readable SQL) when YAML can keep it exactly. */
function literalBlock(v: string, indent: string): string | undefined {
  if (!v.includes('\n') || v.endsWith('\n') || /^\s/.test(v) || /[\r\t]/.test(v)) return undefined;
  if (v.split('\n').some((line) => line.endsWith(' '))) return undefined;
  return `|-\n${v
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n')}`;
}

function emit(value: Plain, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value
      .map((item) => {
        const body = emit(item, `${indent}  `);
        // "- " followed by the item's first line; nested mappings continue at the item's indent.
        return `\n${indent}-${body.startsWith('\n') ? ` ${body.slice(indent.length + 3)}` : body}`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return ' {}';
    return keys
      .map((k) => {
        const key = PLAIN_KEY.test(k) ? k : JSON.stringify(k);
        return `\n${indent}${key}:${emit(value[k] ?? null, `${indent}  `)}`;
      })
      .join('');
  }
  if (typeof value === 'string') {
    const block = literalBlock(value, indent);
    if (block !== undefined) return ` ${block}`;
  }
  return ` ${scalar(value)}`;
}

/** YAML for a JSON-shaped document (keys sorted unless `keepOrder`), with a header comment. */
export function toYaml(value: unknown, header: string, keepOrder = false): string {
  const plain = keepOrder ? (JSON.parse(JSON.stringify(value)) as Plain) : toPlain(value);
  if (plain === undefined || plain === null || typeof plain !== 'object' || Array.isArray(plain)) throw new Error('a YAML document here is a mapping');
  const comment = header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n');
  return `${comment}\n${emit(plain, '').slice(1)}\n`;
}
