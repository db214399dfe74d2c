export interface PostOutcome {
  requests: number;
  accepted: number;
  rejected: number;
  failed: number;
}

interface CdrAnswer {
  accepted?: number;
  rejected?: number;
}

/**
 * Posts JSON batches to a collector with `concurrency` requests in flight; a 503 (shedding or Kafka
 * trouble) is retried after its Retry-After, as a well-behaved platform would.
 */
export async function postJsonBatches(
  url: string,
  key: string,
  batches: readonly unknown[][],
  concurrency: number,
  onAccepted: (n: number) => void,
): Promise<PostOutcome> {
  const outcome: PostOutcome = { requests: 0, accepted: 0, rejected: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      if (!batch) break;
      for (let attempt = 0; ; attempt++) {
        outcome.requests++;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(batch) });
        const body = (await res.json().catch(() => ({}))) as CdrAnswer;
        if (res.status === 503 && attempt < 5) {
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
          continue;
        }
        if (res.ok || res.status === 422) {
          outcome.accepted += body.accepted ?? 0;
          outcome.rejected += body.rejected ?? 0;
          onAccepted(body.accepted ?? 0);
        } else outcome.failed += batch.length;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcome;
}
