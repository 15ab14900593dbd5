/**
 * `palisade demo` end to end, as a user runs it: a real server, the real git client, the detection
 * engine, a webhook and the offline verifier. It always runs on its own embedded database.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));

describe('palisade demo', () => {
  it('tells the whole story — approved grant, clone through the gateway, off-hours alert, signed webhook, verified log — and exits 0', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'demo'], { timeout: 150_000, maxBuffer: 4 << 20 }, (error, out, err) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }));
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/where it is now \w{3} 02:\d\d\./);
    expect(stdout).toMatch(/olivia approved → grant [0-9a-f-]{36}/);
    expect(stdout).toMatch(/git clone http:\/\/127\.0\.0\.1:\d+\/git\/acme\/webshop\.git → README\.md, checkout\.js/);
    expect(stdout).toMatch(/Alert: "Access outside the developer's working hours" \(severity \w+, rule [\w-]+\) for dmitri, from .*git\.clone at log position \d+/);
    expect(stdout).toMatch(/signature checks out/);
    expect(stdout).toMatch(/verified:\s+yes \(pinned key\)/);
    expect(stdout).toMatch(/VERIFIED: events 0\.\.\d+ are exactly the log signed by the key above/);
    // The verifier lists checkpoints as the log grew (by size, not by file name).
    const sizes = [...stdout.matchAll(/checkpoints\/\d+\.note\s+(\d+)\s+verified/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  }, 180_000);
});
