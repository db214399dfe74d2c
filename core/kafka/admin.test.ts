import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { topicSettings } from './admin.ts';

describe('topicSettings', () => {
  it('gives a new topic the configured min.insync.replicas beside its retention', () => {
    const kafka = loadConfig({ env: { CALLWATCH_KAFKA__REPLICATION_FACTOR: '3', CALLWATCH_KAFKA__MIN_INSYNC_REPLICAS: '2' } }).kafka;
    expect(kafka.replicationFactor).toBe(3);
    expect(topicSettings({ name: 't', partitions: 6, retentionMs: 1000 }, kafka)).toEqual({ 'min.insync.replicas': '2', 'retention.ms': '1000' });
  });

  it('refuses a min ISR above the replication factor', () => {
    expect(() => loadConfig({ env: { CALLWATCH_KAFKA__REPLICATION_FACTOR: '1', CALLWATCH_KAFKA__MIN_INSYNC_REPLICAS: '2' } })).toThrow(/kafka\.minInsyncReplicas/);
  });
});
