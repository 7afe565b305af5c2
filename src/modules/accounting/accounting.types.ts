import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ExportFormat } from './accounting.service';

export { ExportFormat as AccountingExportFormat };
registerEnumType(ExportFormat, {
  name: 'AccountingExportFormat',
  valuesConfig: {
    CSV: { description: 'One row per journal line, decimal point, every currency; columns in README.md.' },
    FEC: { description: 'Fichier des écritures comptables (LPF art. A47 A-1): 18 columns, tab-separated, euros only.' },
  },
});

@ObjectType({
  description: 'The bank journal of a period (and the invoices it settles), ready to import into accounting software.',
})
export class AccountingExport {
  @Field(() => ExportFormat)
  format: ExportFormat;

  @Field({ description: 'For a FEC, `<SIREN>FEC<AAAAMMJJ>.txt`, dated by the end of the period.' })
  fileName: string;

  @Field()
  contentType: string;

  @Field(() => Int, { description: 'Journal entries in the file (bank and sales journals).' })
  entryCount: number;

  @Field(() => Int, { description: 'Entries left out: not in euros, for a FEC.' })
  skippedCount: number;

  @Field(() => Int, { description: 'Bank lines nothing identified, booked to the suspense account (471).' })
  suspenseCount: number;

  @Field({ description: 'The file itself.' })
  content: string;
}
