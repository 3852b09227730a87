/**
 * `npm run provision -- --stage prod` (a deployed stack) or `-- --base-url https://…` (npm run dev behind a
 * tunnel), with `--dry-run` to print the plan and change nothing, and `--config FILE` for the assistant's
 * config (default assistant.config.json). Exits 1 with one sentence when anything stops it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_PATH, readAssistantConfig } from '../assistant/config.ts';
import { ProvisionError } from './http.ts';
import { provision } from './provision.ts';
import { report } from './report.ts';
import { baseUrlTarget, stackTarget } from './target.ts';

const USAGE = 'usage: npm run provision -- (--stage dev|prod | --base-url URL) [--dry-run] [--config FILE]';

/** Runs the command; returns the exit code. Output goes to `out`, the one-sentence failure to `err`. */
export async function main(
  argv: readonly string[],
  io: { out: (text: string) => void; err: (text: string) => void } = {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  },
): Promise<number> {
  let values: { stage?: string; 'base-url'?: string; 'dry-run'?: boolean; config?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stage: { type: 'string' },
        'base-url': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        config: { type: 'string', default: DEFAULT_CONFIG_PATH },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (Boolean(values.stage) === Boolean(values['base-url'])) {
    io.err(`Give exactly one of --stage and --base-url.\n${USAGE}`);
    return 2;
  }
  try {
    const config = readAssistantConfig(values.config);
    const target = values.stage ? await stackTarget(values.stage) : baseUrlTarget(values['base-url'] ?? '');
    const result = await provision({ target, config, dryRun: values['dry-run'] ?? false });
    io.out(`${result.dryRun ? 'Plan for' : 'Provisioned'} ${target.label}\n\n${report(result)}`);
    return 0;
  } catch (error) {
    if (error instanceof ProvisionError) {
      io.err(error.message);
      return 1;
    }
    io.err(`Provisioning stopped: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
