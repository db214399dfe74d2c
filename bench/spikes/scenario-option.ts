// The --scenarios=i,j,… option of bench/spikes/run.ts: which Noufaily scenarios a run generates and judges.

/**
 * The scenario ids of a comma-separated list, in ascending order; every id of `known` when the list is
 * empty (the option absent). Throws on anything but distinct known integer ids, naming the bad entry,
 * so that a typo never silently narrows or widens a run that takes R a quarter of an hour.
 */
export function parseScenarioList(text: string, known: readonly number[]): number[] {
  if (text === '') return [...known].sort((a, b) => a - b);
  const ids: number[] = [];
  for (const entry of text.split(',')) {
    const id = /^[0-9]+$/.test(entry) ? Number(entry) : Number.NaN;
    if (!known.includes(id)) throw new Error(`--scenarios: "${entry}" is not a scenario id (${Math.min(...known)}–${Math.max(...known)})`);
    if (ids.includes(id)) throw new Error(`--scenarios: scenario ${id} given twice`);
    ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}
