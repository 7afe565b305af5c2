import { ArrayNotEmpty, Length } from 'class-validator';
import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { ApiScope } from './api-scope';

@ObjectType('ApiKey', { description: 'One of the caller’s API keys. The secret is shown only once, when created.' })
export class ApiKeyInfo {
  @Field(() => ID)
  id: string;

  @Field()
  label: string;

  @Field({ description: 'The public part of the key (`psk_<prefix>_…`), to recognise it.' })
  prefix: string;

  @Field(() => [ApiScope])
  scopes: ApiScope[];

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ArgsType()
export class CreateApiKeyArgs {
  @Field({ description: 'What the key is for, e.g. "accounting tool (read only)".' })
  @Length(1, 200, { message: 'label must be 1 to 200 characters long' })
  label: string;

  @Field(() => [ApiScope], { description: 'At most the scopes of the key that creates it.' })
  @ArrayNotEmpty({ message: 'scopes must name at least one scope' })
  scopes: ApiScope[];
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKeyInfo)
  apiKey: ApiKeyInfo;

  @Field({
    description:
      'The key to send as `Authorization: Bearer <secret>`. Shown now and never again: only its hash is kept.',
  })
  secret: string;
}
