// Server side of the drachtio wire protocol (see docs/edge-wire.md).

export * from './app-connection.ts';
export * from './app-messages.ts';
export * from './framing.ts';
export * from './meta.ts';
export * from './server.ts';
export * from './server-messages.ts';
export type * from './sip-side.ts';
export * from './start-line.ts';
