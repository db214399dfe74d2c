import type { RegistryConfig } from '../config/sections/registry.ts';
import { CallwatchError, errorMessage } from '../errors.ts';

/** The subset of the Confluent Schema Registry API the project uses (Apicurio's ccompat/v7). */
export class RegistryClient {
  constructor(private readonly config: RegistryConfig) {}

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.config.url}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      throw new CallwatchError('CW_ERR_REGISTRY_UNAVAILABLE', `${method} ${path}: ${errorMessage(err)}`, {}, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) {
      const detail = `${method} ${path} -> ${res.status} ${text.slice(0, 300)}`;
      if (res.status === 404) return undefined;
      if (res.status >= 500) throw new CallwatchError('CW_ERR_REGISTRY_UNAVAILABLE', detail, { status: res.status });
      throw new CallwatchError('CW_ERR_REGISTRY_REJECTED', detail, { status: res.status });
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Registers (or finds) the schema under the subject and returns its id. */
  async register(subject: string, schemaText: string): Promise<number> {
    const out = (await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: schemaText, schemaType: 'AVRO' })) as
      | { id?: number }
      | undefined;
    if (typeof out?.id !== 'number') throw new CallwatchError('CW_ERR_REGISTRY_REJECTED', `no id registering ${subject}`);
    return out.id;
  }

  /** The schema text for an id, or undefined if the registry does not know the id. */
  async schemaById(id: number): Promise<string | undefined> {
    const out = (await this.request('GET', `/schemas/ids/${id}`)) as { schema?: string } | undefined;
    return out?.schema;
  }

  async setCompatibility(subject: string, level: 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'NONE'): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** Whether the registry is reachable (for /readyz). */
  async ping(): Promise<boolean> {
    try {
      await this.request('GET', '/subjects');
      return true;
    } catch {
      return false;
    }
  }
}
