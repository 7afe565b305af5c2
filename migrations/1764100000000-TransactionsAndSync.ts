import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Stored transactions (amounts as numeric, never float) and how far each account has been synced. */
export class TransactionsAndSync1764100000000 implements MigrationInterface {
  name = 'TransactionsAndSync1764100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account_sync_state" ("account_id" uuid NOT NULL, "last_synced_at" TIMESTAMP WITH TIME ZONE NOT NULL, "synced_through" date NOT NULL, CONSTRAINT "PK_7e7e99f9a6cccec4c6680366fa2" PRIMARY KEY ("account_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "transaction" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "provider_transaction_id" text NOT NULL, "status" character varying(8) NOT NULL, "amount" numeric(20,5) NOT NULL, "currency" character(3) NOT NULL, "date" date NOT NULL, "booking_date" date, "value_date" date, "counterparty_name" text, "counterparty_iban" character varying(34), "counterparty_bic" character varying(11), "remittance_unstructured" text, "remittance_structured" text, "end_to_end_id" text, "mandate_id" text, "creditor_id" text, "bank_transaction_code" text, "merchant_category_code" character varying(4), "entry_reference" text, "fingerprint" character varying(128) NOT NULL, "removed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_89eadb93a89810556e1cbcd6ab9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "transaction_account_provider_id" ON "transaction" ("account_id", "provider_transaction_id")`,
    );
    await queryRunner.query(`CREATE INDEX "transaction_owner_date_id" ON "transaction" ("owner_id", "date", "id")`);
    await queryRunner.query(`CREATE INDEX "transaction_account_date_id" ON "transaction" ("account_id", "date", "id")`);
    await queryRunner.query(
      `ALTER TABLE "account_sync_state" ADD CONSTRAINT "FK_7e7e99f9a6cccec4c6680366fa2" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "transaction" ADD CONSTRAINT "FK_e2652fa8c16723c83a00fb9b17e" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "transaction" DROP CONSTRAINT "FK_e2652fa8c16723c83a00fb9b17e"`);
    await queryRunner.query(`ALTER TABLE "account_sync_state" DROP CONSTRAINT "FK_7e7e99f9a6cccec4c6680366fa2"`);
    await queryRunner.query(`DROP INDEX "public"."transaction_account_date_id"`);
    await queryRunner.query(`DROP INDEX "public"."transaction_owner_date_id"`);
    await queryRunner.query(`DROP INDEX "public"."transaction_account_provider_id"`);
    await queryRunner.query(`DROP TABLE "transaction"`);
    await queryRunner.query(`DROP TABLE "account_sync_state"`);
  }
}
