import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../server/context';
import { ownerOf } from '../principals/owner-of';
import { ApiScope } from '../principals/api-scope';
import { Invoice } from './invoice.entity';
import { InvoiceConnection, InvoiceInput, InvoicesArgs } from './invoice.types';
import type { InvoicesService } from './invoices.service';

@Resolver(() => Invoice)
export class InvoicesResolver {
  constructor(private readonly invoicesService: InvoicesService) {}

  @Authorized(ApiScope.READ)
  @Query(() => InvoiceConnection, { description: 'The owner’s invoices, latest issued first.' })
  invoices(@Args() { status, first, after }: InvoicesArgs, @Ctx() { principal }: GatewayContext) {
    return this.invoicesService.list(ownerOf(principal), { status, first, after });
  }

  @Authorized(ApiScope.MANAGE_INVOICES)
  @Mutation(() => [Invoice], {
    description:
      'Creates or updates invoices by number (idempotent), then matches them against the bank feed in the background.',
  })
  upsertInvoices(
    @Arg('input', () => [InvoiceInput]) input: InvoiceInput[],
    @Ctx() { principal }: GatewayContext,
  ): Promise<Invoice[]> {
    return this.invoicesService.upsert(ownerOf(principal), input);
  }
}
