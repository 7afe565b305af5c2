import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Principals, their hashed API keys, and the institutions catalogue. */
export class Foundation1764080000000 implements MigrationInterface {
  name = 'Foundation1764080000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "institution" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "country" character(2) NOT NULL, "bic" character varying(11), "standard" character varying(32) NOT NULL, "capabilities" text array NOT NULL, "max_history_days" integer NOT NULL, "max_consent_days" integer NOT NULL, "api_base_url" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f60ee4ff0719b7df54830b39087" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_eef02e265f84ceb9d48b88015f" ON "institution" ("slug")`);
    await queryRunner.query(`CREATE INDEX "institution_name_id" ON "institution" ("name", "id")`);
    await queryRunner.query(`CREATE INDEX "institution_country_name_id" ON "institution" ("country", "name", "id")`);
    await queryRunner.query(
      `CREATE TABLE "principal" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "display_name" character varying(200) NOT NULL, "owner_id" uuid, "redirect_uris" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b3ff9fc87cb26d8e16f1cc56745" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_6ac983846bf8d7d2c2b2af2eb2" ON "principal" ("owner_id")`);
    await queryRunner.query(
      `CREATE TABLE "api_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "principal_id" uuid NOT NULL, "prefix" character varying(32) NOT NULL, "secret_hash" character(64) NOT NULL, "scopes" text array NOT NULL, "label" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_b6ba75a65f4a62d38d357ba6d6" ON "api_key" ("principal_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_c4f6ccad30c0862eb54af9fb0a" ON "api_key" ("prefix")`);
    await queryRunner.query(
      `ALTER TABLE "principal" ADD CONSTRAINT "FK_6ac983846bf8d7d2c2b2af2eb2d" FOREIGN KEY ("owner_id") REFERENCES "principal"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_key" ADD CONSTRAINT "FK_b6ba75a65f4a62d38d357ba6d6a" FOREIGN KEY ("principal_id") REFERENCES "principal"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`DROP TABLE "principal"`);
    await queryRunner.query(`DROP TABLE "institution"`);
  }
}
