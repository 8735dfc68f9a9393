/** SIP INFO DTMF bodies (src/media/dtmf-relay.ts) and the media layer's import rules. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDtmfRelay, parseDtmfInfo } from '../../src/media/dtmf-relay.ts';
import { collectImports, isUnder } from '../support/import-graph.ts';

describe('application/dtmf-relay', () => {
  it('formats and parses a digit with its duration', () => {
    expect(formatDtmfRelay('#', 160)).toBe('Signal=#\r\nDuration=160\r\n');
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toEqual({
      digit: '5',
      durationMs: 160,
    });
    expect(parseDtmfInfo('Application/DTMF-Relay; charset=x', 'signal= a\nduration=99999')).toEqual({
      digit: 'A',
      durationMs: 5000,
    });
    expect(parseDtmfInfo('application/dtmf', '*\r\n')).toEqual({ digit: '*', durationMs: 250 });
  });

  it('refuses what is not one DTMF digit', () => {
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=12\r\nDuration=100')).toBeUndefined();
    expect(parseDtmfInfo('application/dtmf-relay', 'Duration=100')).toBeUndefined();
    expect(parseDtmfInfo('text/plain', 'Signal=5')).toBeUndefined();
    expect(parseDtmfInfo('application/dtmf', 'E')).toBeUndefined();
    expect(() => formatDtmfRelay('x', 100)).toThrow('not a DTMF digit');
  });
});

describe('media layer imports', () => {
  it('never imports the core, the edge, the rules runtime or the admin API', () => {
    const root = resolve(import.meta.dirname, '../..');
    const bad = collectImports(resolve(root, 'src/media'), root).filter(
      (edge) =>
        edge.resolved !== undefined &&
        isUnder(edge.resolved, ['src/core', 'src/edge', 'src/runtime', 'src/admin']),
    );
    expect(bad).toEqual([]);
  });
});
