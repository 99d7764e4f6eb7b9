import { ChildProcess, spawn } from 'node:child_process';

/** A child process whose output is kept (last few KB) for error messages. */
export class Child {
  /** Every child still running, so an interrupted run can stop exactly what it started. */
  static readonly live = new Set<Child>();
  private tail = '';
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.tail = (this.tail + chunk.toString()).slice(-8_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    Child.live.add(this);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        Child.live.delete(this);
        resolve(code);
      }),
    );
  }

  static async stopAll(): Promise<void> {
    await Promise.all([...Child.live].map((c) => c.stop()));
  }

  get output(): string {
    return this.tail;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  wait(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`. Only ever this child, by its pid. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function startNode(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Child {
  const proc = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Child(name, proc);
}

/** Runs a node script to completion; rejects with its output on a non-zero exit. */
export async function runNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = startNode(name, script, args, env);
  const code = await child.wait();
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${child.output}`);
  return child.output;
}

/** Shared with the tests' service launcher: one definition of a free loopback port. */
export { freePort } from '../../test/support/service-process';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchStatus(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

/** Polls `url` (with `status`, by default fetch) until it answers 200, or fails with the child's output. */
export async function waitForHttp(
  url: string,
  child: Child,
  status: (url: string) => Promise<number> = fetchStatus,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited during start-up:\n${child.output}`);
    try {
      if ((await status(url)) === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready after ${timeoutMs} ms:\n${child.output}`);
}
