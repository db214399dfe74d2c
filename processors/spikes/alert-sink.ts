import type { AvroSerde } from '../../core/avro/serde.ts';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import { CallwatchError, errorMessage } from '../../core/errors.ts';
import type { KafkaProducer } from '../../core/kafka/producer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import type { SpikeAlertAction, SpikeAlertRecord } from '../../core/records.ts';
import type { SpikeKind, SpikeVerdict } from './verdict.ts';
import type { VerdictChanges } from './verdict-store.ts';

// Spike alerts on the alert topic, Avro (schemas/spike_alert.avsc) in the Confluent wire format,
// keyed scope:key:week so a compacting or last-value consumer keeps the current state of each.

/** An alert as the schema declares it (core/records.ts, generated from schemas/spike_alert.avsc). */
export type SpikeAlert = SpikeAlertRecord;

export function alertsFor(changes: VerdictChanges, evaluatedAt: Date): SpikeAlert[] {
  const at = evaluatedAt.getTime();
  const of = (action: SpikeAlertAction, v: SpikeVerdict, previous: SpikeKind | null): SpikeAlert => ({
    action,
    scope: v.scope,
    key: v.key,
    week: v.week,
    kind: v.kind,
    previous_kind: previous,
    observed: v.observed,
    expected: v.expected,
    upper: v.upper,
    score: v.score,
    evaluated_at: at,
  });
  return [
    ...changes.added.map((v) => of('NEW', v, null)),
    ...changes.updated.map((u) => of('UPDATED', u.verdict, u.previous.kind)),
    ...changes.retracted.map((v) => of('RETRACTED', v, null)),
  ];
}

export const alertKey = (a: Pick<SpikeAlert, 'scope' | 'key' | 'week'>): string => `${a.scope}:${a.key}:${a.week}`;

export class SpikeAlertSink {
  readonly topic: string;

  private constructor(
    private readonly producer: KafkaProducer,
    private readonly serde: AvroSerde,
    kafka: Pick<KafkaConfig, 'topicPrefix'>,
  ) {
    this.topic = topicName(kafka, 'alerts');
  }

  /** Registers the alert schema under the topic's subject. */
  static async create(producer: KafkaProducer, serde: AvroSerde, kafka: Pick<KafkaConfig, 'topicPrefix'>): Promise<SpikeAlertSink> {
    const sink = new SpikeAlertSink(producer, serde, kafka);
    await serde.register('spikeAlert', `${sink.topic}-value`);
    return sink;
  }

  /** Resolves once the broker has confirmed every alert; rejects (CW_ERR_KAFKA_PRODUCE) if any was not. */
  async send(alerts: readonly SpikeAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    const results = await this.producer.sendAll(alerts.map((a) => ({ topic: this.topic, key: alertKey(a), value: this.serde.encode('spikeAlert', a) })));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      throw new CallwatchError('CW_ERR_KAFKA_PRODUCE', `${failed.length} of ${alerts.length} spike alerts unconfirmed: ${errorMessage(failed[0]?.reason)}`, {
        topic: this.topic,
      });
    }
  }
}
