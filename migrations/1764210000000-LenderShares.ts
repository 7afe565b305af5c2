import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lender shares and their access log, the keys that sign lenders' snapshots, and what owners taught the
 * categoriser (rules per counterparty, and categories set by hand on single lines).
 */
export class LenderShares1764210000000 implements MigrationInterface {
  name = 'LenderShares1764210000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "category_override" ("transaction_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "category" character varying(32) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2641e2ca79302312d5c86454e09" PRIMARY KEY ("transaction_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_940c373f18158b80306b96ffca" ON "category_override" ("owner_id")`);
    await queryRunner.query(
      `CREATE TABLE "category_rule" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "counterparty_key" text NOT NULL, "category" character varying(32) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_94e2e49c32bca6bb165702d29f3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "category_rule_owner_counterparty" ON "category_rule" ("owner_id", "counterparty_key")`,
    );
    await queryRunner.query(
      `CREATE TABLE "signing_key" ("kid" character varying(64) NOT NULL, "public_jwk" jsonb NOT NULL, "private_jwk_enc" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_00d7e305393ab903d6eb06c11f9" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "data_share" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "lender_id" uuid NOT NULL, "account_ids" uuid array NOT NULL, "history_days" integer NOT NULL, "history_from" date NOT NULL, "history_to" date NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "expiry_announced_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c369499df0ee3d4a90d4161ff06" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_aebbe169ae287efc1d611313f0" ON "data_share" ("owner_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_262a9e2b1c67d04ba429f7fa83" ON "data_share" ("lender_id")`);
    await queryRunner.query(
      `CREATE TABLE "data_share_access" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "share_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "operation" character varying(64) NOT NULL, CONSTRAINT "PK_629f3e77e3937fbc269781cad1d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "data_share_access_share_at" ON "data_share_access" ("share_id", "at")`);
    await queryRunner.query(
      `ALTER TABLE "category_override" ADD CONSTRAINT "FK_2641e2ca79302312d5c86454e09" FOREIGN KEY ("transaction_id") REFERENCES "transaction"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "data_share" ADD CONSTRAINT "FK_aebbe169ae287efc1d611313f0e" FOREIGN KEY ("owner_id") REFERENCES "principal"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "data_share" ADD CONSTRAINT "FK_262a9e2b1c67d04ba429f7fa83f" FOREIGN KEY ("lender_id") REFERENCES "principal"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "data_share_access" ADD CONSTRAINT "FK_f18f59f17af24dfdcb77d505f10" FOREIGN KEY ("share_id") REFERENCES "data_share"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "data_share_access" DROP CONSTRAINT "FK_f18f59f17af24dfdcb77d505f10"`);
    await queryRunner.query(`ALTER TABLE "data_share" DROP CONSTRAINT "FK_262a9e2b1c67d04ba429f7fa83f"`);
    await queryRunner.query(`ALTER TABLE "data_share" DROP CONSTRAINT "FK_aebbe169ae287efc1d611313f0e"`);
    await queryRunner.query(`ALTER TABLE "category_override" DROP CONSTRAINT "FK_2641e2ca79302312d5c86454e09"`);
    await queryRunner.query(`DROP INDEX "public"."data_share_access_share_at"`);
    await queryRunner.query(`DROP TABLE "data_share_access"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_262a9e2b1c67d04ba429f7fa83"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_aebbe169ae287efc1d611313f0"`);
    await queryRunner.query(`DROP TABLE "data_share"`);
    await queryRunner.query(`DROP TABLE "signing_key"`);
    await queryRunner.query(`DROP INDEX "public"."category_rule_owner_counterparty"`);
    await queryRunner.query(`DROP TABLE "category_rule"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_940c373f18158b80306b96ffca"`);
    await queryRunner.query(`DROP TABLE "category_override"`);
  }
}
