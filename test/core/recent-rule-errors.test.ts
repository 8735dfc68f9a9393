/** The ring of recent rule failures behind GET /api/v1/status/rule-errors. */
import { expect, it } from 'vitest';
import { RecentRuleErrors } from '../../src/core/recent-rule-errors.ts';

const failure = (n: number) => ({
  callId: `call-${n}`,
  error: { kind: 'throw', message: `boom ${n}`, at: { file: 'main.rules', line: n, column: 3 } },
});

it('keeps the last N failures, newest first, with call, location and message', () => {
  const ring = new RecentRuleErrors(3);
  for (let n = 1; n <= 5; n++) ring.record(7, failure(n));
  const list = ring.list();
  expect(list.map((e) => e.callId)).toEqual(['call-5', 'call-4', 'call-3']);
  expect(list[0]).toMatchObject({ version: 7, kind: 'throw', location: 'main.rules:5:3', message: 'boom 5' });
  expect(Date.parse(list[0]!.at)).not.toBeNaN();
});

it('a failure without call or location is kept with nulls', () => {
  const ring = new RecentRuleErrors(2);
  ring.record(1, { error: { kind: 'timeout', message: 'too slow' } });
  expect(ring.list()).toEqual([expect.objectContaining({ callId: null, location: null, kind: 'timeout' })]);
});
