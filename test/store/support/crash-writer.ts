/**
 * Child process for the kill -9 test: writes rule versions, activations and numbers to the store
 * in `argv[2]` as fast as it can, and after each write returns prints one acknowledgement line
 * (written synchronously, so a line on the pipe means the store had acknowledged that write).
 */
import { writeSync } from 'node:fs';
import { openSqliteStores } from '../../../src/store/index.ts';

const dir = process.argv[2] ?? '';
const round = Number(process.argv[3] ?? '0');
const stores = openSqliteStores(dir);
if (!(await stores.provisioning.getCustomer('acme')))
  await stores.provisioning.createCustomer({ id: 'acme', name: 'Acme' });
const versions = (await stores.rules.listVersions()).map((v) => v.version);
const ack = (line: string) => writeSync(1, `${line}\n`);
ack('ready');

for (let i = 0; ; i++) {
  const kind = i % 3;
  if (kind === 0 || versions.length === 0) {
    // Sizes vary so a kill lands inside writes of different lengths.
    const body = `# round ${round} write ${i}\n${'x'.repeat((i * 7919) % 50_000)}\n`;
    const v = await stores.rules.addVersion({
      author: 'crash',
      message: `r${round} i${i}`,
      entry: 'main.rules',
      files: { 'main.rules': body, 'lib/extra.rules': `# ${i}` },
    });
    versions.push(v.version);
    ack(`V ${v.version} ${v.hash}`);
  } else if (kind === 1) {
    const target = versions[(i * 31) % versions.length] ?? 1;
    const a = await stores.rules.activate(target, 'crash', 'activate');
    ack(`A ${a.id} ${a.version}`);
  } else {
    const number = `+1${String(round * 1_000_000 + i).padStart(10, '0')}`;
    await stores.provisioning.upsertNumbers([{ number, customer: 'acme', services: { zoom: i % 2 === 0 } }]);
    ack(`N ${number}`);
  }
}
