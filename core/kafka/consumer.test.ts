import { describe, expect, it } from 'vitest';
import { nextOffsets } from './consumer.ts';

describe('nextOffsets', () => {
  it('commits the position after the highest offset per partition, whatever the order', () => {
    const out = nextOffsets([
      { topic: 'a', partition: 0, offset: 5 },
      { topic: 'a', partition: 1, offset: 9 },
      { topic: 'a', partition: 0, offset: 7 },
      { topic: 'a', partition: 0, offset: 6 },
      { topic: 'b', partition: 0, offset: 0 },
    ]);
    expect(out).toEqual([
      { topic: 'a', partition: 0, offset: 8 },
      { topic: 'a', partition: 1, offset: 10 },
      { topic: 'b', partition: 0, offset: 1 },
    ]);
    expect(nextOffsets([])).toEqual([]);
  });
});
