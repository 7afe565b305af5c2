import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Card-processor payout reports, one per payout id and owner, for the reconciliation engine. */
export class PayoutReports1764140000000 implements MigrationInterface {
  name = 'PayoutReports1764140000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "payout_report" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "payout_id" character varying(100) NOT NULL, "arrival_date" date NOT NULL, "amount" numeric(20,5) NOT NULL, "currency" character(3) NOT NULL, "items" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_307c944dd8aa48ec90f78a0685e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payout_report_owner_payout" ON "payout_report" ("owner_id", "payout_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."payout_report_owner_payout"`);
    await queryRunner.query(`DROP TABLE "payout_report"`);
  }
}
