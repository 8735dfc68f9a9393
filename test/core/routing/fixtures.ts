import type { IrGroup, IrTrunk } from '../../../dsl/index.ts';

const span = { file: 'test.rules', line: 1, column: 1, endLine: 1, endColumn: 1 };

export function trunk(name: string, peers: string[], extra: Partial<IrTrunk> = {}): IrTrunk {
  return {
    name,
    peers: peers.map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return port === undefined ? { host: host ?? '' } : { host: host ?? '', port: Number(port) };
    }),
    transport: 'udp',
    sources: [],
    span,
    ...extra,
  };
}

export function group(name: string, members: string[], extra: Partial<IrGroup> = {}): IrGroup {
  return { name, members, policy: 'ordered', span, ...extra };
}
