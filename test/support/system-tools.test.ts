import { describe, expect, it } from 'vitest';
import { requireTool, SETUP_COMMAND } from './system-tools.ts';

describe('requireTool', () => {
  it('finds an installed tool', () => {
    expect(requireTool('sh')).toMatch(/\/sh$/);
  });

  it('fails with the setup command when a tool is missing', () => {
    expect(() => requireTool('no-such-tool-sbc')).toThrow(SETUP_COMMAND);
  });
});
