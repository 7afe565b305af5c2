import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An Ed25519 key that signs lenders' snapshots. The private half is stored only encrypted (TokenCipher, as bank
 * tokens are). A retired key signs nothing more but stays published, so snapshots it signed still verify.
 */
@Entity('signing_key')
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: { kty: string; crv: string; x: string };

  @Column({ name: 'private_jwk_enc', type: 'text' })
  privateJwkEnc: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
