import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Single-use connect links: only the token's SHA-256 is stored, with the owner, the journey's terms and its use. */
export class ConnectLinks1764270000000 implements MigrationInterface {
  name = 'ConnectLinks1764270000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "connect_link" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "owner_id" uuid NOT NULL,
        "token_hash" character(64) NOT NULL,
        "redirect_uri" text NOT NULL,
        "institution_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_e8a244b381a006775c9ea883e8c" PRIMARY KEY ("id"),
        CONSTRAINT "FK_f9b64bab65373da8ad77b7bfb09" FOREIGN KEY ("owner_id") REFERENCES "principal"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_40de7022f1151b9435f44cd87bc" FOREIGN KEY ("institution_id") REFERENCES "institution"("id") ON DELETE CASCADE
      )`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bfd22328e2d6a1e8c0711d390c" ON "connect_link" ("token_hash")`);
    await queryRunner.query(`CREATE INDEX "IDX_f9b64bab65373da8ad77b7bfb0" ON "connect_link" ("owner_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "connect_link"`);
  }
}
