import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AccountingExportFormat, type AccountingExportFile } from './accounting-export';
import { Match, MatchState } from './match.entity';

@ObjectType({ description: 'A decision on a match: the engine proposed or confirmed it, or the owner confirmed or rejected it.' })
export class ReconciliationEvent {
  @Field({ description: 'Pass as `after` to resume from this event.' })
  cursor: string;

  @Field(() => MatchState, { description: 'The state this decision put the match in.' })
  state: MatchState;

  @Field(() => Match, { description: 'The match as it stands now.' })
  match: Match;
}

registerEnumType(AccountingExportFormat, { name: 'AccountingExportFormat' });

@ObjectType({ description: 'Reconciled matches as bank journal entries, ready to import into accounting software.' })
export class AccountingExport implements AccountingExportFile {
  @Field(() => AccountingExportFormat)
  format: AccountingExportFormat;

  @Field()
  fileName: string;

  @Field()
  contentType: string;

  @Field(() => Int, { description: 'Journal entries in the file.' })
  entryCount: number;

  @Field(() => Int, { description: 'Reconciled matches left out: not in euros, for a FEC.' })
  skippedCount: number;

  @Field({ description: 'The file itself.' })
  content: string;
}
