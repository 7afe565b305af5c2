import { Field, ObjectType } from 'type-graphql';

@ObjectType('ConnectLink', {
  description: 'A single-use URL that lets a user connect a bank for the owner without its API key.',
})
export class ConnectLinkPayload {
  @Field({ description: 'Send the user’s browser here: the web app’s connect screens, authorised by the link alone.' })
  url: string;

  @Field({ description: 'After this time the link is refused; it is also refused once a journey started with it.' })
  expiresAt: Date;
}
