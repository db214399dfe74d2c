import { describe, expect, it } from 'vitest';
import { parseScenarioList } from './scenario-option.ts';

const KNOWN = Array.from({ length: 28 }, (_, i) => i + 1);

describe('parseScenarioList', () => {
  it('gives every known scenario when the option is absent', () => {
    expect(parseScenarioList('', KNOWN)).toEqual(KNOWN);
  });

  it('gives the listed scenarios in ascending order', () => {
    expect(parseScenarioList('24,6,13', KNOWN)).toEqual([6, 13, 24]);
    expect(parseScenarioList('28', KNOWN)).toEqual([28]);
  });

  it('rejects unknown, malformed, empty and repeated entries by name', () => {
    expect(() => parseScenarioList('6,29', KNOWN)).toThrow('--scenarios: "29" is not a scenario id (1–28)');
    expect(() => parseScenarioList('0', KNOWN)).toThrow('"0" is not a scenario id');
    expect(() => parseScenarioList('6,,13', KNOWN)).toThrow('"" is not a scenario id');
    expect(() => parseScenarioList('6,', KNOWN)).toThrow('"" is not a scenario id');
    expect(() => parseScenarioList('1.5', KNOWN)).toThrow('"1.5" is not a scenario id');
    expect(() => parseScenarioList(' 6', KNOWN)).toThrow('" 6" is not a scenario id');
    expect(() => parseScenarioList('6e0', KNOWN)).toThrow('"6e0" is not a scenario id');
    expect(() => parseScenarioList('13,6,13', KNOWN)).toThrow('--scenarios: scenario 13 given twice');
  });
});
