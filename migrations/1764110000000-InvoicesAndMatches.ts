import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Invoices pushed by the owner's invoicing tool, and the matches of bank transactions to them (issue 6). */
export class InvoicesAndMatches1764110000000 implements MigrationInterface {
  name = 'InvoicesAndMatches1764110000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "invoice" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "number" text NOT NULL, "customer_name" text NOT NULL, "customer_iban" character varying(34), "amount" numeric(20,5) NOT NULL, "currency" character(3) NOT NULL, "issue_date" date NOT NULL, "due_date" date NOT NULL, "structured_reference" text, "status" character varying(16) NOT NULL DEFAULT 'OPEN', "amount_paid" numeric(20,5) NOT NULL DEFAULT '0', "amount_written_off" numeric(20,5) NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_15d25c200d9bcd8a33f698daf18" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "invoice_owner_issue_date_id" ON "invoice" ("owner_id", "issue_date", "id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "invoice_owner_number" ON "invoice" ("owner_id", "number")`);
    await queryRunner.query(
      `CREATE TABLE "match" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "link_id" uuid NOT NULL, "transaction_id" uuid NOT NULL, "invoice_id" uuid NOT NULL, "amount" numeric(20,5) NOT NULL, "written_off" numeric(20,5) NOT NULL DEFAULT '0', "score" double precision NOT NULL, "signals" jsonb NOT NULL, "decision" character varying(16) NOT NULL, "state" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_92b6c3a6631dd5b24a67c69f69d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "match_invoice" ON "match" ("invoice_id")`);
    await queryRunner.query(`CREATE INDEX "match_owner_state" ON "match" ("owner_id", "state")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "match_transaction_invoice" ON "match" ("transaction_id", "invoice_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "match" ADD CONSTRAINT "FK_013ed2b599845205174a0666d48" FOREIGN KEY ("transaction_id") REFERENCES "transaction"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "match" ADD CONSTRAINT "FK_7bb7ddde71e2c553efa113406ff" FOREIGN KEY ("invoice_id") REFERENCES "invoice"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "match" DROP CONSTRAINT "FK_7bb7ddde71e2c553efa113406ff"`);
    await queryRunner.query(`ALTER TABLE "match" DROP CONSTRAINT "FK_013ed2b599845205174a0666d48"`);
    await queryRunner.query(`DROP INDEX "public"."match_transaction_invoice"`);
    await queryRunner.query(`DROP INDEX "public"."match_owner_state"`);
    await queryRunner.query(`DROP INDEX "public"."match_invoice"`);
    await queryRunner.query(`DROP TABLE "match"`);
    await queryRunner.query(`DROP INDEX "public"."invoice_owner_number"`);
    await queryRunner.query(`DROP INDEX "public"."invoice_owner_issue_date_id"`);
    await queryRunner.query(`DROP TABLE "invoice"`);
  }
}
