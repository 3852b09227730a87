import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDevDataDir, runningDevServer } from '../../../../infra/local/dev-data.ts';
import { isRunning } from '../../../fixtures/dev-process.ts';

/** A process whose command line looks like `what` (ps shows the arguments). */
function lookalike(what: string): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', what], { stdio: 'ignore' });
}

describe('the dev server data folder', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });
  const folder = () => join(mkdtempSync(join(tmpdir(), 'dev-data-')), 'data');
  const writePidFile = (
    root: string,
    pids: { devPid: number; dynamoPid: number | null; dynamoEndpoint?: string },
  ) => {
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'dev.pid.json'), JSON.stringify(pids));
  };

  it('creates the folder, names this server in its pid file, and gives it up on release', () => {
    const root = folder();
    const data = openDevDataDir(root, { fresh: false });
    expect(data).toMatchObject({ reused: false, stoppedStaleDynamo: false });
    expect(existsSync(data.dynamoDbPath)).toBe(true);
    data.recordDynamo({ pid: 4242, endpoint: 'http://127.0.0.1:8123' });
    expect(JSON.parse(readFileSync(join(root, 'dev.pid.json'), 'utf8'))).toEqual({
      devPid: process.pid,
      dynamoPid: 4242,
      dynamoEndpoint: 'http://127.0.0.1:8123',
    });
    data.release();
    expect(existsSync(join(root, 'dev.pid.json'))).toBe(false);
  });

  it('refuses a folder another live dev server is using', () => {
    const root = folder();
    const other = lookalike('infra/local/dev.ts');
    children.push(other);
    writePidFile(root, { devPid: other.pid ?? 0, dynamoPid: null });
    expect(() => openDevDataDir(root, { fresh: false })).toThrow(
      new RegExp(`another dev server \\(pid ${other.pid}\\) is using`),
    );
  });

  it("tells npm run calls where a running server's DynamoDB Local answers, and nothing for a dead one", () => {
    const root = folder();
    const other = lookalike('infra/local/dev.ts');
    children.push(other);
    const pids = { devPid: other.pid ?? 0, dynamoPid: null, dynamoEndpoint: 'http://127.0.0.1:8123' };
    writePidFile(root, pids);
    expect(runningDevServer(root)).toEqual({ dynamoEndpoint: 'http://127.0.0.1:8123' });
    writePidFile(root, { ...pids, devPid: 999_999_999 });
    expect(runningDevServer(root)).toBeNull();
    expect(runningDevServer(folder())).toBeNull();
  });

  it('takes over from a dead server and stops the DynamoDB Local it left running', async () => {
    const root = folder();
    const orphan = lookalike('DynamoDBLocal.jar');
    children.push(orphan);
    await new Promise((resolve) => setTimeout(resolve, 100));
    writePidFile(root, { devPid: 999_999_999, dynamoPid: orphan.pid ?? 0 });
    const data = openDevDataDir(root, { fresh: false });
    expect(data.stoppedStaleDynamo).toBe(true);
    expect(isRunning(orphan.pid ?? 0)).toBe(false);
  });

  it('leaves a process alone that only reuses a recorded pid', () => {
    const root = folder();
    const unrelated = lookalike('something-else');
    children.push(unrelated);
    writePidFile(root, { devPid: unrelated.pid ?? 0, dynamoPid: unrelated.pid ?? 0 });
    const data = openDevDataDir(root, { fresh: false });
    expect(data.stoppedStaleDynamo).toBe(false);
    expect(isRunning(unrelated.pid ?? 0)).toBe(true);
  });

  it('keeps the data of earlier runs, and --fresh deletes it', () => {
    const root = folder();
    const first = openDevDataDir(root, { fresh: false });
    writeFileSync(join(first.dynamoDbPath, 'local_us-east-1.db'), 'data');
    writeFileSync(first.sandboxStateFile, '{}');
    first.release();
    expect(openDevDataDir(root, { fresh: false }).reused).toBe(true);
    const fresh = openDevDataDir(root, { fresh: true });
    expect(fresh.reused).toBe(false);
    expect(existsSync(join(fresh.dynamoDbPath, 'local_us-east-1.db'))).toBe(false);
    expect(existsSync(fresh.sandboxStateFile)).toBe(false);
  });
});
