/**
 * Local configuration for `npm run dev`: the settings named in shared/env.ts, taken from the process
 * environment and a `.env` file (dotenv syntax). Reading never writes to process.env - the local stack
 * decides what the functions see, when it starts - and the environment wins over the file, as with dotenv.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';
import { ENV } from '../../shared/env.ts';

/** Names the stack or AWS wires itself; a developer's value would point the functions somewhere else. */
const WIRING_NAMES: ReadonlySet<string> = new Set([
  ENV.TABLE_NAME,
  ENV.BOOKING_QUEUE_URL,
  ENV.APP_SECRET_ID,
  ENV.NOTIFY_TOPIC_ARN,
]);

/** Settings a developer may give locally: every product setting except wiring. */
export const LOCAL_SETTING_NAMES: readonly string[] = Object.values(ENV).filter(
  (name) => !WIRING_NAMES.has(name),
);

/** Runtime knobs that are not product settings but still reach the functions (log level, metrics). */
const PASS_THROUGH = /^POWERTOOLS_[A-Z_]+$/;

/** Environment variable that names another file instead of `./.env` (dotenv's own name for it). */
export const ENV_FILE_VARIABLE = 'DOTENV_CONFIG_PATH';

export interface EnvFile {
  /** Absolute path that was looked at. */
  path: string;
  found: boolean;
  /** Everything the file sets (values may be secrets: never print them). */
  values: Record<string, string>;
}

/** Where the `.env` file is: DOTENV_CONFIG_PATH if set, else `.env` in `cwd`. */
export function envFilePath(
  environment: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string {
  return resolve(cwd, environment[ENV_FILE_VARIABLE] || '.env');
}

/** Reads and parses a `.env` file; a missing file is not an error (everything has a local default). */
export function readEnvFile(path: string): EnvFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, found: false, values: {} };
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { path, found: true, values: parse(text) };
}

export type SettingSource = 'environment' | 'env-file';

export interface LocalSettings {
  /** Configured values by name, empty values dropped (secrets included: never print them). */
  values: Record<string, string>;
  /** Where each configured value came from. */
  sources: Record<string, SettingSource>;
  /** Names in the file that are neither settings nor pass-through knobs (likely typos), ignored. */
  unknownInFile: string[];
  /** Wiring names found in the environment or file, ignored (the stack sets them). */
  ignoredWiring: string[];
}

/** Merges environment and file into the settings the stack gets; the environment wins. */
export function resolveLocalSettings(
  environment: Record<string, string | undefined>,
  file: Pick<EnvFile, 'values'>,
): LocalSettings {
  const settings: LocalSettings = { values: {}, sources: {}, unknownInFile: [], ignoredWiring: [] };
  const known = new Set(LOCAL_SETTING_NAMES);
  const take = (name: string, value: string | undefined, source: SettingSource) => {
    // Unset and empty are the same thing (shared/config.ts treats them alike).
    if (value === undefined || value === '') return;
    settings.values[name] = value;
    settings.sources[name] = source;
  };
  for (const [name, value] of Object.entries(file.values)) {
    if (known.has(name) || PASS_THROUGH.test(name)) take(name, value, 'env-file');
    else if (WIRING_NAMES.has(name)) settings.ignoredWiring.push(name);
    else settings.unknownInFile.push(name);
  }
  for (const [name, value] of Object.entries(environment)) {
    if (known.has(name) || PASS_THROUGH.test(name)) take(name, value, 'environment');
    else if (WIRING_NAMES.has(name) && value) settings.ignoredWiring.push(name);
  }
  settings.ignoredWiring = [...new Set(settings.ignoredWiring)].sort();
  return settings;
}
