import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/wasm-coexistence.ts', import.meta.url));

describe('Cedar and PGlite in one process', () => {
  it('survive tens of thousands of alternating queries and evaluations (V8 JS→WASM inlining is off)', async () => {
    const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', FIXTURE, '6'], { timeout: 170_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, signal: (err as { signal?: string } | null)?.signal ?? null, stdout, stderr }));
    });
    expect(result.stderr).not.toMatch(/Fatal error/);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout.trim()).toBe('ok');
  }, 180_000);
});
