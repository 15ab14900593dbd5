/** @module git-gateway/push/refusal-response.test — the refusal body in each shape a git client may have asked for. */
import { describe, expect, it } from 'vitest';
import { parsePktLines, pktText } from '../protocol/pkt-line.ts';
import { buildRefusalBody, terminalSafe } from './refusal-response.ts';

const refused = [
  { ref: 'refs/heads/main', reason: 'protected ref: force-push refused' },
  { ref: 'refs/heads/x', reason: 'not updated: another ref of this push was refused' },
];

/** The data packets of a side-band stream, by band. */
function bands(body: Buffer): { band: number; data: Buffer }[] {
  return parsePktLines(body).flatMap((p) => (p.type === 'data' ? [{ band: p.payload[0]!, data: p.payload.subarray(1) }] : []));
}

describe('the refusal body', () => {
  it('without side-band is the plain report-status: unpack ok, ng per ref, flush', () => {
    const body = buildRefusalBody({ capabilities: ['report-status'], refused, messages: ['ignored without side-band'] });
    const lines = parsePktLines(body);
    expect(lines.map((l) => (l.type === 'data' ? pktText(l) : l.type))).toEqual([
      'unpack ok', 'ng refs/heads/main protected ref: force-push refused', 'ng refs/heads/x not updated: another ref of this push was refused', 'flush',
    ]);
  });

  it('with side-band-64k carries messages on band 2 and the report-status on band 1, then a flush', () => {
    const body = buildRefusalBody({ capabilities: ['report-status-v2', 'side-band-64k'], refused, messages: ['Palisade refused this push', 'second line'] });
    const parts = bands(body);
    expect(parts.filter((p) => p.band === 2).map((p) => p.data.toString())).toEqual(['Palisade refused this push\n', 'second line\n']);
    const status = Buffer.concat(parts.filter((p) => p.band === 1).map((p) => p.data));
    expect(parsePktLines(status).map((l) => (l.type === 'data' ? pktText(l) : l.type))).toEqual([
      'unpack ok', 'ng refs/heads/main protected ref: force-push refused', 'ng refs/heads/x not updated: another ref of this push was refused', 'flush',
    ]);
    expect(body.subarray(-4).toString()).toBe('0000');
  });

  it('splits a report-status longer than one side-band packet across several (old side-band: 1000-byte packets)', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ref: `refs/heads/branch-${i}`, reason: 'outside your contribution refs refs/heads/contrib/ann/*' }));
    const parts = bands(buildRefusalBody({ capabilities: ['report-status', 'side-band'], refused: many, messages: [] }));
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.every((p) => p.data.length <= 995)).toBe(true);
    const status = parsePktLines(Buffer.concat(parts.map((p) => p.data)));
    expect(status).toHaveLength(102);
  });

  it('never lets pushed names move the cursor or end a line early', () => {
    expect(terminalSafe('evil\u001b[2J\nname\u009b')).toBe('evil?[2J?name?');
    const body = buildRefusalBody({ capabilities: ['report-status'], refused: [{ ref: 'refs/heads/a', reason: 'secret at x\ny:1' }], messages: [] });
    expect(body.toString()).toContain('ng refs/heads/a secret at x?y:1\n');
  });
});
