import { describe, expect, it } from 'vitest';
import { OwnerMap, RouteTable } from '../../../src/edge/wire/routes.ts';
import { TxnGate } from '../../../src/edge/wire/wire-state.ts';

describe('RouteTable', () => {
  it('picks round-robin among the apps of a verb, ignoring case', () => {
    const t = new RouteTable<string>();
    t.add('invite', 'a');
    t.add('INVITE', 'b');
    t.add('invite', 'b'); // duplicate route: still one member
    expect([1, 2, 3, 4].map(() => t.pick('Invite'))).toEqual(['a', 'b', 'a', 'b']);
    expect(t.pick('options')).toBeUndefined();
  });

  it('keeps the rotation fair when a member leaves', () => {
    const t = new RouteTable<string>();
    for (const c of ['a', 'b', 'c']) t.add('invite', c);
    expect(t.pick('invite')).toBe('a');
    expect(t.pick('invite')).toBe('b');
    t.remove('invite', 'a'); // next would have been c; it still is
    expect(t.pick('invite')).toBe('c');
    expect(t.pick('invite')).toBe('b');
    t.removeAll('b');
    t.removeAll('c');
    expect(t.pick('invite')).toBeUndefined();
    expect(t.verbsOf('b')).toEqual([]);
  });

  it('removes one verb only (unlike drachtio-server, which drops them all)', () => {
    const t = new RouteTable<string>();
    t.add('invite', 'a');
    t.add('options', 'a');
    t.remove('options', 'a');
    expect(t.verbsOf('a')).toEqual(['invite']);
  });
});

describe('OwnerMap', () => {
  it('drops every key of an owner at once', () => {
    const m = new OwnerMap<string, number>();
    m.set('t1', 'a', 1);
    m.set('t2', 'b', 2);
    m.set('t3', 'a', 3);
    expect(m.dropOwner('a').sort()).toEqual(['t1', 't3']);
    expect(m.get('t2')).toEqual({ conn: 'b', value: 2 });
    expect(m.size).toBe(1);
  });
});

describe('TxnGate', () => {
  it('queues work for a held transaction until every hold is released, then runs it in order', () => {
    const g = new TxnGate();
    const out: string[] = [];
    g.hold('t');
    g.hold('t');
    expect(g.run('t', () => out.push('1'))).toBe('queued');
    g.run('t', () => out.push('2'));
    expect(g.run('other', () => 'now')).toBe('now');
    g.release('t');
    expect(out).toEqual([]);
    g.release('t');
    expect(out).toEqual(['1', '2']);
    expect(g.size).toBe(0);
  });

  it('discards queued work when the operation failed', () => {
    const g = new TxnGate();
    const out: string[] = [];
    g.hold('t');
    g.run('t', () => out.push('x'));
    g.release('t', true);
    expect(out).toEqual([]);
  });
});
