import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments initiated through Passerelle. The unique (owner, idempotency key) index is what makes a key answer one
 * payment across every gateway replica; rows are never deleted with their key, so keys outlive the 24 h clients are
 * promised.
 */
export class Payments1764200000000 implements MigrationInterface {
  name = 'Payments1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "payment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "principal_id" uuid NOT NULL, "idempotency_key" character varying(255) NOT NULL, "request_hash" character varying(64) NOT NULL, "debtor_account_id" uuid NOT NULL, "status" character varying(4) NOT NULL, "status_reason" text, "amount" numeric(18,2) NOT NULL, "currency" character(3) NOT NULL, "creditor_name" character varying(70) NOT NULL, "creditor_iban" character varying(34) NOT NULL, "remittance_information" character varying(140), "end_to_end_id" character varying(35) NOT NULL, "redirect_uri" text, "provider_payment_id" text, "authorisation_url_enc" text, "state_hash" character varying(64) NOT NULL, "callback_used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fcaec7df5adf9cac408c686b2ab" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "payment_state_hash" ON "payment" ("state_hash")`);
    await queryRunner.query(`CREATE INDEX "payment_owner_created_id" ON "payment" ("owner_id", "created_at", "id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payment_owner_idempotency_key" ON "payment" ("owner_id", "idempotency_key")`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment" ADD CONSTRAINT "FK_c4b50627b2d22c1d9eab212925c" FOREIGN KEY ("debtor_account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payment" DROP CONSTRAINT "FK_c4b50627b2d22c1d9eab212925c"`);
    await queryRunner.query(`DROP INDEX "public"."payment_owner_idempotency_key"`);
    await queryRunner.query(`DROP INDEX "public"."payment_owner_created_id"`);
    await queryRunner.query(`DROP INDEX "public"."payment_state_hash"`);
    await queryRunner.query(`DROP TABLE "payment"`);
  }
}
