/**
 * A node that takes admission slots in Redis and then does nothing, for the test that kills it
 * (SIGKILL) to check the slots of a dead node stop counting. Args: redis url, key, slots, limit.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { RedisCounters } from '../../../src/cluster/redis-counters.ts';

const [url = '', key = '', slots = '1', limit = '1'] = process.argv.slice(2);
const counters = new RedisCounters({
  url,
  nodeName: 'holder',
  expectedNodes: 2,
  keyPrefix: 'sbc:',
  commandTimeoutMs: 500,
  heartbeatMs: 200,
  nodeTtlMs: 600,
  logger: pino({ level: 'silent' }),
  registry: new Registry(),
});
await counters.start();
for (let i = 0; i < Number(slots); i++) {
  if (!(await counters.acquire(key, Number(limit)))) throw new Error('slot refused');
}
process.stdout.write(`held ${counters.status().mode}\n`);
setInterval(() => undefined, 1 << 30);
