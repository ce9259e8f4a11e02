import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEnvFile } from './env-file.js';

describe('applyEnvFile', () => {
  const dirs: string[] = [];
  const envFile = (text: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'env-file-'));
    dirs.push(dir);
    const file = path.join(dir, '.env');
    writeFileSync(file, text);
    return file;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('takes what the environment lacks and leaves what it has (the real environment wins)', () => {
    const file = envFile('PORT=5000\nLOG_LEVEL=debug # a comment\nJWT_SECRET="quoted value with spaces"\nEMPTY=\n');
    const env: Record<string, string | undefined> = { PORT: '4001', EMPTY: '' };
    expect(applyEnvFile(file, env).sort()).toEqual(['JWT_SECRET', 'LOG_LEVEL']);
    expect(env).toEqual({ PORT: '4001', EMPTY: '', LOG_LEVEL: 'debug', JWT_SECRET: 'quoted value with spaces' });
  });

  it('is optional: a missing file changes nothing', () => {
    const env = { PORT: '1' };
    expect(applyEnvFile(path.join(tmpdir(), 'no-such-dir-env', '.env'), env)).toEqual([]);
    expect(env).toEqual({ PORT: '1' });
  });
});
