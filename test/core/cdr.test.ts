// The CDR file: one JSON line per call attempt, rotated by size, on a real filesystem.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type CdrRecord, RotatingCdrFile } from '../../src/core/cdr.ts';

function record(i: number): CdrRecord {
  return {
    callId: `call-${i}`,
    start: '2026-01-01T00:00:00.000Z',
    answer: null,
    end: '2026-01-01T00:00:01.000Z',
    duration: 0,
    setupMs: null,
    status: 486,
    cause: 'routing-failed',
    inboundTrunk: 'a',
    outboundTrunk: null,
    from: '+1',
    to: '+2',
    ruleVersion: 1,
    attempts: [{ trunk: 'b', peer: 'udp:127.0.0.1:5080', outcome: 486 }],
  };
}

it('writes one JSON line per record and rotates by size, keeping `keep` files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdr-'));
  const file = join(dir, 'sub', 'calls.jsonl');
  const size = JSON.stringify(record(0)).length + 1;
  const cdr = new RotatingCdrFile(file, { maxBytes: size * 3, keep: 2 });
  for (let i = 0; i < 10; i++) cdr.write(record(i));
  await cdr.close();
  const lines = (f: string) =>
    readFileSync(f, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).callId);
  expect(lines(file)).toEqual(['call-9']);
  expect(lines(`${file}.1`)).toEqual(['call-6', 'call-7', 'call-8']);
  expect(lines(`${file}.2`)).toEqual(['call-3', 'call-4', 'call-5']);
  expect(existsSync(`${file}.3`)).toBe(false);
});
