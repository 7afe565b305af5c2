import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum PrincipalKind {
  /** A business user who holds bank accounts. */
  OWNER = 'OWNER',
  /** A tool (frontend, accounting software) acting for one owner with limited scopes. */
  API_CLIENT = 'API_CLIENT',
  /** A lender that reads only what owners shared with it. */
  LENDER = 'LENDER',
  /** A single-use connect link acting for one owner, for one consent journey only (never stored as a principal). */
  CONNECT_LINK = 'CONNECT_LINK',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind', description: 'Who a caller is.' });

@ObjectType({ description: 'Who is calling: an account owner, an API client acting for one, or a lender.' })
@Entity('principal')
export class Principal {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => PrincipalKind)
  @Column({ type: 'varchar', length: 16 })
  kind: PrincipalKind;

  @Field()
  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  /** The owner an API client acts for; null for owners and lenders. */
  @ManyToOne(() => Principal, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner: Principal | null;

  @Index()
  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  /**
   * Where this principal's consent journeys may send the user's browser back to. An entry ending in `*` allows any
   * URI starting with what precedes it (the demo owner allows `http://localhost*`).
   */
  @Column({ name: 'redirect_uris', type: 'text', array: true, default: () => "'{}'" })
  redirectUris: string[];

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
