import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { randomBytes, randomInt } from 'node:crypto';
import { loadConfig } from '../../core/config/load.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STACK_DIR = process.env.CALLWATCH_STACK_DIR ?? `${ROOT}.stack`;
const CLASSPATH = `${STACK_DIR}/lib/kafka/*`;

/** Whether nothing listens on `port` at 127.0.0.1 right now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free port below Linux's ephemeral range (32768-60999 by default). The broker's ports must stay
 * free while it is stopped or killed and restarted; a port from the ephemeral range (what
 * listen(0) hands out) can meanwhile become the local end of any outgoing connection on the
 * machine, and the restart would fail. A port outside it is only ever taken by an explicit bind
 * (30000-32767: clear of the local stack's ports too).
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 30_000 + randomInt(2_768);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port found in 30000-32767');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Kafka broker of a test's own (same jars as the stack, own ports and data folder), for tests that
 * stop, kill and restart a broker without disturbing the shared one other tests use.
 */
export class PrivateBroker {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly properties: string,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(): Promise<PrivateBroker> {
    const dir = `${STACK_DIR}/tmp/broker-${randomBytes(4).toString('hex')}`;
    mkdirSync(`${dir}/data`, { recursive: true });
    const [port, controller] = [await freePort(), await freePort()];
    const properties = `${dir}/server.properties`;
    writeFileSync(
      properties,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        `log.dirs=${dir}/data`,
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=4',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'share.coordinator.state.topic.replication.factor=1',
        'share.coordinator.state.topic.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
      ].join('\n') + '\n',
    );
    writeFileSync(`${dir}/log4j2.properties`, 'rootLogger.level=WARN\nrootLogger.appenderRef.stdout.ref=STDOUT\nappender.stdout.type=Console\nappender.stdout.name=STDOUT\nappender.stdout.layout.type=PatternLayout\nappender.stdout.layout.pattern=[%d] %p %m (%c)%n\n');
    const id = execFileSync('java', ['-cp', CLASSPATH, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).trim();
    execFileSync('java', ['-cp', CLASSPATH, `-Dlog4j2.configurationFile=${dir}/log4j2.properties`, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', properties, '--ignore-formatted'], {
      stdio: 'ignore',
    });
    const broker = new PrivateBroker(dir, port, properties);
    await broker.start();
    return broker;
  }

  /** Starts the broker process (again, after stop/kill) and waits until it answers metadata. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('private broker already running');
    const log = openSync(`${this.dir}/broker.log`, 'a');
    this.child = spawn(
      'java',
      ['-Xms256m', '-Xmx384m', `-Dlog4j2.configurationFile=${this.dir}/log4j2.properties`, '-cp', CLASSPATH, 'kafka.Kafka', this.properties],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    this.child.once('exit', () => (this.child = undefined));
    await this.waitReady(timeoutMs);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const kafka = { ...loadConfig().kafka, brokers: this.brokers };
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`private broker exited during start-up:\n${this.logTail()}`);
      try {
        const p = await KafkaProducer.connect(kafka);
        try {
          const md = await p.metadata(2_000);
          if (md.brokers.length > 0) return;
        } finally {
          await p.close(1_000);
        }
      } catch {
        // not up yet
      }
      await sleep(300);
    }
    throw new Error(`private broker not ready after ${timeoutMs} ms:\n${this.logTail()}`);
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(`${this.dir}/broker.log`, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private async signal(sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(sig);
    const timer = sleep(timeoutMs).then(() => {
      if (this.child === child) child.kill('SIGKILL');
    });
    await Promise.race([exited, timer]);
    await exited;
  }

  /** Clean shutdown (SIGTERM). */
  stop(): Promise<void> {
    return this.signal('SIGTERM', 30_000);
  }

  /** Crash (SIGKILL). */
  kill(): Promise<void> {
    return this.signal('SIGKILL', 5_000);
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
