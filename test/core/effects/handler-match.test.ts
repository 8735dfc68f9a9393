/** The preview's handler explanation agrees with the generated dispatcher on every event kind. */
import { describe, expect, it } from 'vitest';
import { instantiate, type RunOutput } from '../../../dsl/codegen/index.ts';
import type { HookInput } from '../../../dsl/effects.ts';
import { matchHandlers } from '../../../src/core/effects/index.ts';
import { compiled, requestIn } from '../../runtime/helpers.ts';

const RULES = `trunk zoom { peers ["162.12.233.59"] }
trunk core { peers ["10.0.0.10"] }
on request INVITE from zoom { stop }
on request INVITE, UPDATE { stop }
on request INVITE to core { stop }
on request BYE, INFO in dialog { stop }
on request OPTIONS from core { stop }
on response 180 from core { stop }
on response 18x { stop }
on response 4xx, 5xx from zoom { stop }
on failure from core { stop }
on failure { stop }`;

describe('matchHandlers', () => {
  it('names the handler the dispatcher runs, for every combination of event fields', () => {
    const { rules } = compiled(RULES);
    const program = instantiate(rules);
    const inputs: HookInput[] = [];
    for (const trunk of ['zoom', 'core', ''])
      for (const method of ['INVITE', 'UPDATE', 'BYE', 'OPTIONS', 'INFO'])
        for (const direction of ['in', 'out'] as const)
          for (const inDialog of [false, true])
            inputs.push(
              requestIn(
                {
                  direction,
                  inDialog,
                  target: trunk,
                  source: { ip: '1.2.3.4', port: 5060, transport: 'udp', trunk },
                },
                { method },
              ),
            );
    for (const trunk of ['zoom', 'core', ''])
      for (const status of [180, 183, 200, 404, 503]) {
        const source = { ip: '1.2.3.4', port: 5060, transport: 'udp' as const, trunk };
        inputs.push(requestIn({ hook: 'response', source }, { kind: 'response', status }));
        inputs.push(requestIn({ hook: 'failure', failure: { status, reason: '', timeout: false, trunk } }));
      }
    for (const input of inputs) {
      const out = JSON.parse(program.run(JSON.stringify(input))) as RunOutput;
      const ran = matchHandlers(rules, input).find((m) => m.result === 'ran');
      expect(ran?.id ?? '', JSON.stringify(input)).toBe(out.h >= 0 ? rules.handlers[out.h]!.id : '');
    }
  });

  it('says why a handler does not match, and which ones are shadowed', () => {
    const { rules } = compiled(RULES);
    const m = matchHandlers(rules, requestIn());
    expect(m.map((x) => x.result)).toEqual([
      'ran',
      'shadowed',
      'the request goes in',
      'method is INVITE',
      'method is INVITE',
      'it is a response handler',
      'it is a response handler',
      'it is a response handler',
      'it is a failure handler',
      'it is a failure handler',
    ]);
    expect(m[0]).toMatchObject({ hook: 'request INVITE from zoom', at: { line: 3 } });
    expect(m[2]?.hook).toBe('request INVITE to core');
  });
});
