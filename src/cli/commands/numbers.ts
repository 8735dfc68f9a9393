/**
 * `sbc numbers import FILE.csv` and `sbc numbers export`: bulk provisioning on a running SBC
 * through its admin API (CSV format: docs/admin-api.md). Exit codes: 0 done, 1 refused (row
 * errors, SBC unreachable), 2 bad command line.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClientOptions } from '../../admin/client.ts';
import { EXIT } from '../exit-codes.ts';
import { refuse, run, UsageError } from './rules.ts';

interface RowError {
  line: number;
  number?: string;
  message: string;
}

export function register(program: Command): void {
  const numbers = program.command('numbers').description('bulk provisioning of numbers on a running SBC');

  numbers
    .command('import')
    .description('create or replace numbers from a CSV file; all rows or none unless --partial')
    .argument(
      '<file>',
      'CSV with columns number,customer[,zoom,teams_direct_routing,operator_connect,teams_phone_mobile,custom_header]',
    )
    .option('--partial', 'store the valid rows even when others have errors')
    .option('--url <url>', 'admin API of the SBC (env SBC_URL; default http://127.0.0.1:8080)')
    .option('--token <token>', 'admin API token (env SBC_ADMIN_TOKEN)')
    .action((file: string, options: ClientOptions & { partial?: boolean }) =>
      run(async (client) => {
        let csv: string;
        try {
          csv = readFileSync(file, 'utf8');
        } catch {
          throw new UsageError(`cannot read ${file}`);
        }
        const answer = await client.request(
          'POST',
          `/api/v1/numbers/import${options.partial ? '?partial=true' : ''}`,
          { csv },
        );
        const body = answer.body as { created?: number; updated?: number; errors?: RowError[] };
        for (const e of body.errors ?? [])
          process.stderr.write(`${file}:${e.line}: ${e.number ? `${e.number}: ` : ''}${e.message}\n`);
        if (answer.status !== 200) return refuse(answer);
        process.stdout.write(
          `${body.created} created, ${body.updated} updated, ${body.errors?.length ?? 0} rejected\n`,
        );
        return (body.errors?.length ?? 0) > 0 ? EXIT.failure : EXIT.ok;
      }, options),
    );

  numbers
    .command('export')
    .description('print every number as CSV (the import format)')
    .option('--customer <id>', 'only this customer’s numbers')
    .option('--url <url>', 'admin API of the SBC (env SBC_URL; default http://127.0.0.1:8080)')
    .option('--token <token>', 'admin API token (env SBC_ADMIN_TOKEN)')
    .action((options: ClientOptions & { customer?: string }) =>
      run(async (client) => {
        const query = options.customer ? `?customer=${encodeURIComponent(options.customer)}` : '';
        const answer = await client.request('GET', `/api/v1/numbers/export${query}`);
        if (answer.status !== 200) return refuse(answer);
        process.stdout.write(answer.text);
        return EXIT.ok;
      }, options),
    );
}
