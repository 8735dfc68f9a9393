import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSchema,
  loadConfig,
  MASK,
  parseConfigText,
  printableConfig,
} from '../../src/config/index.ts';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, 'config.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('defaults', () => {
  it('an empty config gives a working loopback SBC: SIP on 127.0.0.1:5060, admin on 127.0.0.1:8080', () => {
    const config = parseConfigText('', 'config.yaml', {});
    expect(config.sip.listen).toEqual([
      { transport: 'udp', host: '127.0.0.1', port: 5060 },
      { transport: 'tcp', host: '127.0.0.1', port: 5060 },
    ]);
    expect(config.admin.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.edge.mode).toBe('embedded');
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('no file at all means the same defaults', () => {
    expect(loadConfig(undefined, {})).toEqual(parseConfigText('', 'x', {}));
  });

  it('fills defaults inside partly given sections', () => {
    const config = parseConfigText(
      'admin:\n  listen:\n    port: 9090\nsip:\n  listen:\n    - port: 5070\n',
      'c',
      {},
    );
    expect(config.admin.listen).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.sip.listen).toEqual([{ transport: 'udp', host: '127.0.0.1', port: 5070 }]);
  });
});

describe('bad config: every problem, with path and line', () => {
  it('names the file line, the key path and what was expected (the issue example)', () => {
    const text = ['sip:', '  listen:', '    - transport: udp', '      port: "50x0"'].join('\n');
    expect(problemsOf(text)).toEqual([
      'config.yaml:4 sip.listen[0].port: expected a number 1–65535, got "50x0"',
    ]);
  });

  it('reports all problems at once, in file order', () => {
    const text = [
      'log:',
      '  level: verbose',
      'sip:',
      '  listen:',
      '    - port: 70000',
      'edge:',
      '  mode: externl',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'config.yaml:2 log.level: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
      'config.yaml:5 sip.listen[0].port: expected a number 1–65535, got 70000',
      'config.yaml:7 edge.mode: expected one of embedded, external, got "externl" (did you mean "external"?)',
    ]);
  });

  it('rejects unknown keys (typo protection) with a "did you mean" hint', () => {
    expect(problemsOf('admin:\n  lisen:\n    port: 8080\n')).toEqual([
      'config.yaml:2 admin.lisen: unknown key (did you mean "listen"?)',
    ]);
    expect(problemsOf('sip:\n  listen:\n    - transprot: tcp\n')).toEqual([
      'config.yaml:3 sip.listen[0].transprot: unknown key (did you mean "transport"?)',
    ]);
  });

  it('lists the known keys when nothing is close', () => {
    const known = Object.keys(configSchema.shape).join(', ');
    expect(known).toMatch(/^log, sip, edge, admin/);
    expect(problemsOf('flux: 1\n')).toEqual([`config.yaml:1 flux: unknown key (known keys: ${known})`]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('log:\n  level: [info\n')).toEqual([
      'config.yaml:3: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problemsOf('log:\n  level: info\n  level: warn\n')).toEqual([
      'config.yaml:3: YAML: Map keys must be unique',
    ]);
  });

  it('rejects a top level that is not a mapping', () => {
    expect(problemsOf('- a\n- b\n')).toEqual(['config.yaml:1: expected a mapping of keys at the top level']);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig('/nonexistent/sbc.yaml', {})).toThrow(
      '/nonexistent/sbc.yaml: cannot read config: file not found',
    );
  });

  it('reads a real file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbc-config-'));
    const file = join(dir, 'sbc.yaml');
    writeFileSync(file, 'admin:\n  listen:\n    port: 18080\n');
    expect(loadConfig(file, {}).admin.listen.port).toBe(18080);
  });
});

describe('secrets', () => {
  it('come from the environment, overriding the file', () => {
    const config = parseConfigText('admin:\n  token: "from-the-file-0123456"\n', 'c', {
      SBC_ADMIN_TOKEN: 'from-the-environment-0123',
      SBC_EDGE_SECRET: 'edge-secret',
    });
    expect(config.admin.token).toBe('from-the-environment-0123');
    expect(config.edge.secret).toBe('edge-secret');
  });

  it('a bad secret is blamed on its variable and never echoed', () => {
    expect(problemsOf('', { SBC_ADMIN_TOKEN: 'short' })).toEqual([
      'env SBC_ADMIN_TOKEN admin.token: expected at least 16 characters',
    ]);
  });

  it('are masked when the config is printed', () => {
    const config = parseConfigText('', 'c', { SBC_ADMIN_TOKEN: 'a-long-enough-admin-token' });
    const printed = printableConfig(config);
    expect(printed).not.toContain('a-long-enough-admin-token');
    expect(printed).not.toContain('cymru');
    expect(printed).toContain(`token: "${MASK}"`);
    expect(printed).toContain(`secret: "${MASK}"`);
  });
});

describe('SIP over TLS', () => {
  it('a tls listen address needs a certificate and key', () => {
    expect(problemsOf('sip:\n  listen:\n    - transport: tls\n      port: 5061\n')).toEqual([
      'config.yaml:3 sip.listen[0].transport: a tls listen address needs sip.tls.cert and sip.tls.key',
    ]);
  });

  it('accepts tls with its files, and T1', () => {
    const text =
      'sip:\n  listen:\n    - { transport: tls, port: 5061 }\n  tls: { cert: c.pem, key: k.pem }\n  t1Ms: 250\n';
    const config = parseConfigText(text, 'c', {});
    expect(config.sip.tls).toEqual({ cert: 'c.pem', key: 'k.pem' });
    expect(config.sip.t1Ms).toBe(250);
  });
});
