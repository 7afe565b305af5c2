/**
 * `npm run export -- --url <gateway url> --key <api key> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--siren 123456789]
 * [--account <id>]... [--format csv|fec|both] [--out-dir dir]`: fetches the owner's bank journal through the
 * `accountingExport` query (so the script sees exactly what the key may read, on the embedded default as on a
 * deployed gateway) and writes each file under the name the gateway gives it (`<SIREN>FEC<AAAAMMJJ>.txt`,
 * `journal-<from>-<to>.csv`) in `--out-dir` (default: the current directory). Both formats by default.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE =
  'usage: npm run export -- --url http://127.0.0.1:4000 --key <api key> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--siren 123456789] [--account <id>]... [--format csv|fec|both] [--out-dir dir]';
const QUERY = `query AccountingExport($format: AccountingExportFormat!, $from: LocalDate, $to: LocalDate, $accountIds: [ID!], $siren: String) {
  accountingExport(format: $format, from: $from, to: $to, accountIds: $accountIds, siren: $siren) { fileName entryCount skippedCount suspenseCount content }
}`;

interface ExportFile {
  fileName: string;
  entryCount: number;
  skippedCount: number;
  suspenseCount: number;
  content: string;
}

interface ExportResult {
  data?: { accountingExport: ExportFile };
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

function options() {
  return parseArgs({
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      format: { type: 'string', default: 'both' },
      from: { type: 'string' },
      to: { type: 'string' },
      siren: { type: 'string' },
      account: { type: 'string', multiple: true },
      'out-dir': { type: 'string', default: '.' },
    },
  }).values;
}

async function main(): Promise<number> {
  let values;
  try {
    values = options();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const format = values.format.toUpperCase();
  const formats = format === 'BOTH' ? ['CSV', 'FEC'] : [format];
  if (!values.url || !values.key || !formats.every((each) => each === 'CSV' || each === 'FEC')) {
    console.error(USAGE);
    return 2;
  }
  for (const each of formats) {
    const response = await fetch(`${values.url.replace(/\/$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${values.key}` },
      body: JSON.stringify({
        query: QUERY,
        variables: {
          format: each,
          from: values.from ?? null,
          to: values.to ?? null,
          accountIds: values.account ?? null,
          siren: values.siren ?? null,
        },
      }),
    });
    const result = (await response.json()) as ExportResult;
    if (!result.data) {
      for (const error of result.errors ?? []) console.error(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
      return 1;
    }
    const file = result.data.accountingExport;
    const out = path.join(values['out-dir'], file.fileName);
    writeFileSync(out, file.content);
    const skipped = file.skippedCount > 0 ? `, ${file.skippedCount} not in euros left out` : '';
    console.error(`${out}: ${file.entryCount} entries, ${file.suspenseCount} bank lines in suspense (471)${skipped}`);
  }
  return 0;
}

main().then((code) => process.exit(code));
