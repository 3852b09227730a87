/**
 * The folder `npm run dev` keeps its data in (DynamoDB Local's files, the Calendly sandbox's calendar), so a
 * restart, even after a crash or a kill -9, loses nothing. One dev server at a time per folder: a pid file
 * names the server and its DynamoDB Local; a server that died leaves its JVM running, and the next start
 * stops that JVM before opening the same files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DevDataDir {
  path: string;
  /** DynamoDB Local's -dbPath. */
  dynamoDbPath: string;
  /** The Calendly sandbox's saved calendar. */
  sandboxStateFile: string;
  /** Whether the folder held data from an earlier run (false after --fresh). */
  reused: boolean;
  /** Whether a DynamoDB Local left running by a dead dev server had to be stopped. */
  stoppedStaleDynamo: boolean;
  /**
   * Records the JVM this run started, so the next run can stop it if this one dies, and where it
   * answers, so `npm run calls -- --local` can read the running server's table.
   */
  recordDynamo(dynamo: { pid: number | null; endpoint: string }): void;
  /** Gives the folder up (on a clean stop). */
  release(): void;
}

interface PidFile {
  devPid: number;
  dynamoPid: number | null;
  dynamoEndpoint?: string;
}

const PID_FILE = 'dev.pid.json';
const STALE_EXIT_WAIT_MS = 5_000;

/** The command line of a running process, or null when there is none with that pid. */
function commandLine(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const found = spawnSync('ps', ['-o', 'stat=,args=', '-p', String(pid)], { encoding: 'utf8' });
  const line = (found.stdout ?? '').trim();
  // A zombie has finished; it only waits for its parent to collect it.
  if (line === '' || line.startsWith('Z')) return null;
  return line;
}

function readPidFile(file: string): PidFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidFile>;
    return {
      devPid: Number(parsed.devPid),
      dynamoPid: parsed.dynamoPid ? Number(parsed.dynamoPid) : null,
      ...(typeof parsed.dynamoEndpoint === 'string' ? { dynamoEndpoint: parsed.dynamoEndpoint } : {}),
    };
  } catch {
    return null;
  }
}

function stopStaleDynamoDbLocal(pid: number | null): boolean {
  if (pid === null || !commandLine(pid)?.includes('DynamoDBLocal')) return false;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return false;
  }
  const deadline = Date.now() + STALE_EXIT_WAIT_MS;
  while (commandLine(pid) !== null && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  return true;
}

/**
 * Opens (creating) the data folder. Throws when another dev server is using it. `fresh` deletes what an
 * earlier run left there.
 */
export function openDevDataDir(path: string, options: { fresh: boolean }): DevDataDir {
  const root = resolve(path);
  mkdirSync(root, { recursive: true });
  const pidFile = join(root, PID_FILE);
  const previous = readPidFile(pidFile);
  if (previous && previous.devPid !== process.pid && commandLine(previous.devPid)?.includes('dev.ts')) {
    throw new Error(
      `another dev server (pid ${previous.devPid}) is using ${root}: stop it, or give this one --data <dir>`,
    );
  }
  const stoppedStaleDynamo = stopStaleDynamoDbLocal(previous?.dynamoPid ?? null);

  const dynamoDbPath = join(root, 'dynamodb');
  const sandboxStateFile = join(root, 'calendly-sandbox.json');
  if (options.fresh) {
    rmSync(dynamoDbPath, { recursive: true, force: true });
    rmSync(sandboxStateFile, { force: true });
  }
  mkdirSync(dynamoDbPath, { recursive: true });
  const reused = readdirSync(dynamoDbPath).length > 0;

  const write = (dynamo: { pid: number | null; endpoint?: string }) => {
    const content: PidFile = { devPid: process.pid, dynamoPid: dynamo.pid };
    if (dynamo.endpoint) content.dynamoEndpoint = dynamo.endpoint;
    writeFileSync(pidFile, `${JSON.stringify(content)}\n`);
  };
  write({ pid: null });
  return {
    path: root,
    dynamoDbPath,
    sandboxStateFile,
    reused,
    stoppedStaleDynamo,
    recordDynamo: write,
    release: () => {
      try {
        unlinkSync(pidFile);
      } catch {
        // already gone
      }
    },
  };
}

/** Where the DynamoDB Local of the dev server running on `path` answers, or null when none runs there. */
export function runningDevServer(path: string): { dynamoEndpoint: string } | null {
  const recorded = readPidFile(join(resolve(path), PID_FILE));
  if (!recorded?.dynamoEndpoint || !commandLine(recorded.devPid)?.includes('dev.ts')) return null;
  return { dynamoEndpoint: recorded.dynamoEndpoint };
}
