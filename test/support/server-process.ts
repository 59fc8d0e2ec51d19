import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (its log at LOG_LEVEL, warn by default). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the real service (`src/server.ts`) in its own process on a free port, the way `npm start`
 * does, and resolves once it prints the address it listens on. A `.js` entry (the compiled service,
 * `dist/src/server.js`) runs on plain Node; a `.ts` one through tsx. `nodeArgs` go to Node before the
 * entry (the bench's `--profile` passes `--cpu-prof`).
 */
export async function startServer(
  env: Record<string, string>,
  t?: { teardown(fn: () => unknown): void },
  entry = 'src/server.ts',
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, ...(entry.endsWith('.js') ? [entry] : ['--import', 'tsx', entry])],
    {
      // Test clients post forms at once and from one address: no minimum fill time, no rate limits unless asked.
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        FORM_MIN_FILL_SECONDS: '0',
        RATE_LIMIT_REGISTER: '0',
        RATE_LIMIT_API_REGISTER: '0',
        RATE_LIMIT_LOGIN: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/\S+?)\/? /.exec(output);
      if (match) resolve(match[1].replace(/\/$/, ''));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  };
  t?.teardown(() => stop('SIGKILL'));
  return { url, child, stop, output: () => output };
}
