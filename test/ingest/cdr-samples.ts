import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Real CDRs from public deployments live beside the project, not in it (third-party data):
// ../shared/cdr-samples from a clone, ../../shared/cdr-samples from a worktree under wt/, or
// wherever CALLWATCH_CDR_SAMPLES points.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const candidates = [process.env.CALLWATCH_CDR_SAMPLES, `${repoRoot}../shared/cdr-samples`, `${repoRoot}../../shared/cdr-samples`];
const dir = candidates.find((d): d is string => d !== undefined && existsSync(`${d}/README.md`));

/** Every sample's name (each has a `<name>.source.txt` saying where it comes from, left out here). */
export function cdrSampleNames(): string[] {
  if (dir === undefined) throw new Error(`CDR samples not found (looked in ${candidates.filter(Boolean).join(', ')}); set CALLWATCH_CDR_SAMPLES`);
  return readdirSync(dir).filter((n) => n !== 'README.md' && !n.endsWith('.source.txt')).sort();
}

/** The bytes of one sample; throws naming where it looked when the corpus is not there. */
export function cdrSample(name: string): Buffer {
  if (dir === undefined) throw new Error(`CDR samples not found (looked in ${candidates.filter(Boolean).join(', ')}); set CALLWATCH_CDR_SAMPLES`);
  return readFileSync(`${dir}/${name}`);
}
