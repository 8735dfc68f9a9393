/** Building a call's media policy from trunk policy, rule effects and config extras (src/media/call-policy.ts). */
import { describe, expect, it } from 'vitest';
import {
  callPolicy,
  isBypass,
  legPolicy,
  type MediaPolicyConfig,
  reversed,
} from '../../src/media/call-policy.ts';

const config: MediaPolicyConfig = {
  trunks: {
    teams: { attributes: { allow: ['rtpmap', 'crypto'] }, srtpSuites: ['AES_CM_128_HMAC_SHA1_80'] },
  },
  bypass: [{ from: 'core', to: 'pbx' }],
};

describe('call media policy', () => {
  it('layers config extras, the trunk policy and the rule effect, later winning field by field', () => {
    expect(
      legPolicy(
        {
          trunk: 'teams',
          trunkPolicy: { srtp: 'required', codecs: ['PCMU'] },
          effect: { codecs: ['PCMA'], dtmf: 'info' },
        },
        config,
      ),
    ).toEqual({
      attributes: { allow: ['rtpmap', 'crypto'] },
      srtpSuites: ['AES_CM_128_HMAC_SHA1_80'],
      srtp: 'required',
      codecs: ['PCMA'],
      dtmf: 'info',
    });
  });

  it('bypasses media only for a configured pair, in either direction', () => {
    expect(isBypass('pbx', 'core', config)).toBe(true);
    expect(isBypass('core', 'teams', config)).toBe(false);
    expect(isBypass(undefined, 'core', config)).toBe(false);
    expect(callPolicy({ trunk: 'core' }, { trunk: 'pbx' }, config).bypass).toBe(true);
    expect(callPolicy({ trunk: 'core' }, { trunk: 'teams' }, config).bypass).toBeUndefined();
  });

  it('the inbound leg offers; a late offer from the callee swaps the roles', () => {
    const policy = callPolicy(
      { trunkPolicy: { srtp: 'off' } },
      { trunk: 'teams', trunkPolicy: { srtp: 'required' } },
      config,
    );
    expect(policy.offerer.srtp).toBe('off');
    expect(reversed(policy).offerer.srtp).toBe('required');
    expect(reversed(policy).answerer.srtp).toBe('off');
  });
});
