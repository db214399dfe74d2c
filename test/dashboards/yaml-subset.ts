// A reader for the YAML subset dashboards/serialize.ts writes (block mappings and sequences, compact
// "- key: value" items, |- literal blocks, JSON-quoted and plain scalars, [] and {}), written
// independently of the writer so that reading the committed files back checks the writer too.
// Anything outside the subset is an error, not a guess.

type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

const KEY = /^("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function scalar(text: string, where: string): Value {
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^[A-Za-z_/][A-Za-z0-9_ ./-]*$/.test(text)) return text;
  throw new Error(`${where}: scalar outside the subset: ${text}`);
}

export function parseYamlSubset(text: string): Value {
  const lines = text.split('\n');
  let i = 0;
  const skipBlank = (): void => {
    while (i < lines.length && ((lines[i] ?? '').trim() === '' || (lines[i] ?? '').trimStart().startsWith('#'))) i++;
  };

  function literal(indent: number): string {
    const out: string[] = [];
    while (i < lines.length) {
      const line = lines[i] ?? '';
      if (line.trim() !== '' && indentOf(line) < indent) break;
      out.push(line.trim() === '' ? '' : line.slice(indent));
      i++;
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.join('\n');
  }

  function valueAfter(rest: string | undefined, indent: number): Value {
    if (rest === undefined || rest === '') {
      skipBlank();
      const next = lines[i] ?? '';
      if (indentOf(next) <= indent) throw new Error(`line ${i + 1}: expected a nested block`);
      return block(indentOf(next));
    }
    if (rest === '|-') return literal(indent + 2);
    return scalar(rest, `line ${i}`);
  }

  function block(indent: number): Value {
    skipBlank();
    const first = lines[i] ?? '';
    if (first.slice(indent).startsWith('- ') || first.slice(indent) === '-') return sequence(indent);
    return mapping(indent);
  }

  function mapping(indent: number): Value {
    const out: { [k: string]: Value } = {};
    for (skipBlank(); i < lines.length && indentOf(lines[i] ?? '') === indent; skipBlank()) {
      const line = (lines[i] ?? '').slice(indent);
      const m = KEY.exec(line);
      if (!m?.[1]) throw new Error(`line ${i + 1}: expected "key:", got ${line}`);
      const key = m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1];
      if (key in out) throw new Error(`line ${i + 1}: duplicate key ${key}`);
      i++;
      out[key] = valueAfter(m[2], indent);
    }
    return out;
  }

  function sequence(indent: number): Value {
    const out: Value[] = [];
    for (skipBlank(); i < lines.length && indentOf(lines[i] ?? '') === indent && (lines[i] ?? '').slice(indent).startsWith('-'); skipBlank()) {
      const content = (lines[i] ?? '').slice(indent + 2);
      if (KEY.test(content) || content.startsWith('- ')) {
        // A compact item: re-read the line as if "- " were spaces, at the item's own indent.
        lines[i] = ' '.repeat(indent + 2) + content;
        out.push(block(indent + 2));
      } else {
        i++;
        out.push(valueAfter(content, indent));
      }
    }
    return out;
  }

  const doc = block(0);
  skipBlank();
  if (i < lines.length) throw new Error(`line ${i + 1}: unexpected content: ${lines[i] ?? ''}`);
  return doc;
}
