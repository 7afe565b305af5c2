import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import type { AccountingService } from './accounting.service';
import { AccountingExport, AccountingExportFormat } from './accounting.types';

@Resolver()
export class AccountingResolver {
  constructor(private readonly accountingService: AccountingService) {}

  @Authorized(ApiScope.READ)
  @Query(() => AccountingExport, {
    description:
      'The bank journal of a period: every booked line of the chosen accounts as one balanced entry (settled invoices, processor fees, write-offs, overpayments, suspense), with the invoices issued in it, as CSV or a French FEC file.',
  })
  accountingExport(
    @Arg('format', () => AccountingExportFormat) format: AccountingExportFormat,
    @Arg('from', () => LocalDateResolver, {
      nullable: true,
      description: 'Money booked from this date on (inclusive).',
    })
    from: string | null,
    @Arg('to', () => LocalDateResolver, {
      nullable: true,
      description: 'Money booked up to this date (inclusive); today if not given.',
    })
    to: string | null,
    @Arg('accountIds', () => [ID], {
      nullable: true,
      description: 'The bank accounts to export; all of them if not given.',
    })
    accountIds: string[] | null,
    @Arg('siren', () => String, {
      nullable: true,
      description: 'The company’s SIREN, when not configured (ACCOUNTING_SIREN).',
    })
    siren: string | null,
    @Ctx() { principal }: GatewayContext,
  ): Promise<AccountingExport> {
    return this.accountingService.export(ownerOf(principal), { format, from, to, accountIds, siren });
  }
}
