// Free loopback ports for SIP peers: the project's one allocator (test/support/ports.ts).
export { freePort } from '../../support/ports.ts';
