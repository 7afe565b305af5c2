import { LocalDateResolver } from 'graphql-scalars';
import { ArgsType, Field, InputType } from 'type-graphql';
import { ConnectionType, ForwardPaginationArgs } from '../../common/relay';
import { Invoice, InvoiceStatus } from './invoice.entity';
import type { InvoiceDraft } from './invoices.service';

export const InvoiceConnection = ConnectionType(Invoice, 'Invoice');

/**
 * One invoice as the invoicing tool sends it. Values are checked by InvoicesService, not by decorators, so that an
 * error names the item (`input[3].amount`) and a batch with one bad item writes nothing.
 */
@InputType({ description: 'An invoice, keyed by its number: pushing the same number again updates it.' })
export class InvoiceInput implements InvoiceDraft {
  @Field()
  number: string;

  @Field()
  customerName: string;

  @Field(() => String, { nullable: true })
  customerIban?: string | null;

  @Field({ description: 'A positive decimal string with at most 2 decimals, e.g. "1200.00".' })
  amount: string;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  @Field(() => LocalDateResolver)
  issueDate: string;

  @Field(() => LocalDateResolver)
  dueDate: string;

  @Field(() => String, { nullable: true, description: 'ISO 11649 RF or Belgian OGM/VCS, with valid check digits.' })
  structuredReference?: string | null;
}

@ArgsType()
export class InvoicesArgs extends ForwardPaginationArgs {
  @Field(() => InvoiceStatus, { nullable: true })
  status?: InvoiceStatus | null;
}
