/**
 * A three-node NATS JetStream cluster on 127.0.0.1 for the tests and the benchmark: distinct client and route
 * ports, one store directory per node in a temporary directory, started and stopped here. Needs `nats-server`
 * (Debian: apt-get install nats-server) on the PATH or in /usr/sbin.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function natsServerBinary(): string | null {
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) if (existsSync(p)) return p;
  const r = spawnSync('nats-server', ['--version']);
  return r.status === 0 ? 'nats-server' : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NatsNode {
  name: string;
  port: number;
  routePort: number;
  /** The monitoring port (`/healthz`). */
  httpPort: number;
  proc: ChildProcess | null;
  config: string;
}

export class NatsCluster {
  readonly dir: string;
  readonly nodes: NatsNode[] = [];
  private constructor(
    private readonly bin: string,
    dir: string,
  ) {
    this.dir = dir;
  }

  /** Starts `size` nodes with JetStream and routes between them; resolves when every client port answers. */
  static async start(size = 3): Promise<NatsCluster> {
    const bin = natsServerBinary();
    if (!bin) throw new Error('nats-server is not installed (apt-get install -y nats-server)');
    const c = new NatsCluster(bin, mkdtempSync(join(tmpdir(), 'ra-nats-')));
    for (let i = 0; i < size; i++) {
      c.nodes.push({ name: `n${i}`, port: await freePort(), routePort: await freePort(), httpPort: await freePort(), proc: null, config: '' });
    }
    const routes = c.nodes.map((n) => `nats-route://127.0.0.1:${n.routePort}`).join(', ');
    for (const n of c.nodes) {
      const store = join(c.dir, n.name);
      mkdirSync(store, { recursive: true });
      n.config = join(c.dir, `${n.name}.conf`);
      writeFileSync(
        n.config,
        `server_name: ${n.name}\nlisten: 127.0.0.1:${n.port}\nhttp: 127.0.0.1:${n.httpPort}\njetstream { store_dir: "${store}" }\n` +
          `cluster { name: ra; listen: 127.0.0.1:${n.routePort}; routes: [${routes}] }\n`,
      );
      c.startNode(n);
    }
    await Promise.all(c.nodes.map((n) => waitPort(n.port)));
    await c.healthy();
    return c;
  }

  /**
   * Waits until every running node says it is healthy (`/healthz`: JetStream current with its meta leader, its
   * streams and consumers): a node just restarted must have caught up before the next test leans on it.
   */
  async healthy(ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    for (const n of this.nodes) {
      if (!n.proc) continue;
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${n.httpPort}/healthz`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > until) throw new Error(`nats-server ${n.name} did not become healthy`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private startNode(n: NatsNode): void {
    n.proc = spawn(this.bin, ['-c', n.config], { stdio: 'ignore' });
  }

  get url(): string {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(',');
  }

  /** SIGKILL, no goodbye: a node lost. */
  kill(i: number): void {
    this.nodes[i]!.proc?.kill('SIGKILL');
    this.nodes[i]!.proc = null;
  }

  async restart(i: number): Promise<void> {
    this.startNode(this.nodes[i]!);
    await waitPort(this.nodes[i]!.port);
    await this.healthy();
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.nodes.length; i++) this.kill(i);
    await new Promise((r) => setTimeout(r, 100));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitPort(port: number, ms = 10_000): Promise<void> {
  const { connect } = await import('node:net');
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nats-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
