/**
 * `npm run export -- --url <gateway url> --key <api key> --format csv|fec [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out file]`:
 * fetches the owner's reconciled entries through the `accountingExport` query, so the script sees exactly what the
 * key may read, on the embedded default as on a deployed gateway. Without `--out` the file goes to standard output.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run export -- --url http://127.0.0.1:4000 --key <api key> --format csv|fec [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out file]';
const QUERY = `query AccountingExport($format: AccountingExportFormat!, $from: LocalDate, $to: LocalDate) {
  accountingExport(format: $format, from: $from, to: $to) { fileName entryCount skippedCount content }
}`;

interface ExportResult {
  data?: { accountingExport: { fileName: string; entryCount: number; skippedCount: number; content: string } };
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        format: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const format = values.format?.toUpperCase();
  if (!values.url || !values.key || (format !== 'CSV' && format !== 'FEC')) {
    console.error(USAGE);
    return 2;
  }
  const response = await fetch(`${values.url.replace(/\/$/, '')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${values.key}` },
    body: JSON.stringify({ query: QUERY, variables: { format, from: values.from ?? null, to: values.to ?? null } }),
  });
  const result = (await response.json()) as ExportResult;
  if (!result.data) {
    for (const error of result.errors ?? []) console.error(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
    return 1;
  }
  const { fileName, entryCount, skippedCount, content } = result.data.accountingExport;
  if (values.out) {
    writeFileSync(values.out, content);
    const skipped = skippedCount > 0 ? `, ${skippedCount} not in euros left out` : '';
    console.error(`${entryCount} entries written to ${values.out} (suggested name ${fileName}${skipped})`);
  } else {
    process.stdout.write(content);
  }
  return 0;
}

main().then((code) => process.exit(code));
