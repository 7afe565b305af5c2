import { IsOptional, Length, Matches } from 'class-validator';
import { Args, ArgsType, Authorized, Field, Query, Resolver } from 'type-graphql';
import { ConnectionType, ForwardPaginationArgs } from '../../common/relay';
import { Institution } from './institution.entity';
import type { InstitutionsService } from './institutions.service';

export const InstitutionConnection = ConnectionType(Institution, 'Institution');

@ArgsType()
class InstitutionsArgs extends ForwardPaginationArgs {
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code, e.g. FR.' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals, such as FR' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Part of the name or BIC, case-insensitive.' })
  @IsOptional()
  @Length(1, 100, { message: 'search must be 1 to 100 characters long' })
  search?: string | null;
}

@Resolver(() => Institution)
export class InstitutionsResolver {
  constructor(private readonly institutionsService: InstitutionsService) {}

  @Authorized()
  @Query(() => InstitutionConnection, { description: 'The banks the gateway can connect to.' })
  institutions(@Args() args: InstitutionsArgs) {
    return this.institutionsService.list(args);
  }
}
