import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One account row per owner and bank account: the institution and the IBAN, or the bank's resource id when there is
 * no IBAN. Connecting the same bank login twice made a second set of rows, and every line showed twice.
 *
 * Existing duplicates are merged into the oldest row (the id clients already hold), which moves to the newest
 * connection (the live consent's resource id). A line of a duplicate that the kept account also has (same bank id
 * and fingerprint, twins paired one to one) is dropped after its matches move to the kept line; any other line moves
 * over. An invoice that was matched to both copies keeps one match, and its amounts are recomputed.
 */
export class OneAccountPerBankAccount1764231000000 implements MigrationInterface {
  name = 'OneAccountPerBankAccount1764231000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" ADD "institution_id" uuid`);
    await queryRunner.query(
      `UPDATE "account" a SET "institution_id" = c."institution_id" FROM "connection" c WHERE c."id" = a."connection_id"`,
    );
    await queryRunner.query(`ALTER TABLE "account" ALTER COLUMN "institution_id" SET NOT NULL`);

    await queryRunner.query(`
      CREATE TEMPORARY TABLE account_merge ON COMMIT DROP AS
      SELECT a.id AS duplicate_id,
             first_value(a.id) OVER older AS survivor_id,
             first_value(a.connection_id) OVER newer AS connection_id,
             first_value(a.provider_account_id) OVER newer AS provider_account_id
        FROM "account" a
      WINDOW older AS (PARTITION BY a.owner_id, a.institution_id, coalesce('iban:' || a.iban, 'id:' || a.provider_account_id) ORDER BY a.created_at, a.id),
             newer AS (PARTITION BY a.owner_id, a.institution_id, coalesce('iban:' || a.iban, 'id:' || a.provider_account_id) ORDER BY a.created_at DESC, a.id DESC)`);
    await queryRunner.query(
      `DELETE FROM account_merge m WHERE NOT EXISTS (SELECT 1 FROM account_merge o WHERE o.survivor_id = m.survivor_id AND o.duplicate_id <> o.survivor_id)`,
    );

    await queryRunner.query(`
      CREATE TEMPORARY TABLE line_merge ON COMMIT DROP AS
      WITH copies AS (
        SELECT t.id, m.survivor_id, t.provider_transaction_id, t.fingerprint,
               row_number() OVER (PARTITION BY t.account_id, t.provider_transaction_id, t.fingerprint ORDER BY t.id) AS n
          FROM "transaction" t JOIN account_merge m ON m.duplicate_id = t.account_id
         WHERE m.duplicate_id <> m.survivor_id
      ), kept AS (
        SELECT t.id, t.account_id AS survivor_id, t.provider_transaction_id, t.fingerprint,
               row_number() OVER (PARTITION BY t.account_id, t.provider_transaction_id, t.fingerprint ORDER BY t.id) AS n
          FROM "transaction" t WHERE t.account_id IN (SELECT survivor_id FROM account_merge)
      )
      SELECT copies.id AS duplicate_line, kept.id AS kept_line
        FROM copies JOIN kept USING (survivor_id, provider_transaction_id, fingerprint, n)`);

    await queryRunner.query(
      `CREATE TEMPORARY TABLE touched_invoice ON COMMIT DROP AS SELECT DISTINCT invoice_id FROM "match" WHERE transaction_id IN (SELECT duplicate_line FROM line_merge)`,
    );
    await queryRunner.query(`
      UPDATE "match" mt SET transaction_id = l.kept_line
        FROM line_merge l
       WHERE mt.transaction_id = l.duplicate_line
         AND NOT EXISTS (SELECT 1 FROM "match" o WHERE o.transaction_id = l.kept_line AND o.invoice_id = mt.invoice_id)`);
    await queryRunner.query(`DELETE FROM "transaction" WHERE id IN (SELECT duplicate_line FROM line_merge)`);
    await queryRunner.query(
      `UPDATE "transaction" t SET account_id = m.survivor_id FROM account_merge m WHERE t.account_id = m.duplicate_id AND m.duplicate_id <> m.survivor_id`,
    );
    await queryRunner.query(
      `DELETE FROM "account" WHERE id IN (SELECT duplicate_id FROM account_merge WHERE duplicate_id <> survivor_id)`,
    );
    await queryRunner.query(`
      UPDATE "account" a SET connection_id = m.connection_id, provider_account_id = m.provider_account_id
        FROM account_merge m WHERE a.id = m.survivor_id AND m.duplicate_id = m.survivor_id`);
    await queryRunner.query(`
      UPDATE "invoice" i
         SET amount_paid = s.paid, amount_written_off = s.written_off,
             status = CASE WHEN s.paid > i.amount THEN 'OVERPAID'
                           WHEN s.paid + s.written_off >= i.amount THEN 'PAID'
                           WHEN s.paid + s.written_off = 0 THEN 'OPEN'
                           ELSE 'PARTIALLY_PAID' END
        FROM (SELECT t.invoice_id,
                     coalesce(sum(mt.amount) FILTER (WHERE mt.state <> 'REJECTED'), 0) AS paid,
                     coalesce(sum(mt.written_off) FILTER (WHERE mt.state <> 'REJECTED'), 0) AS written_off
                FROM touched_invoice t LEFT JOIN "match" mt ON mt.invoice_id = t.invoice_id
               GROUP BY t.invoice_id) s
       WHERE i.id = s.invoice_id`);

    await queryRunner.query(
      `CREATE UNIQUE INDEX "account_owner_institution_iban" ON "account" ("owner_id", "institution_id", "iban") WHERE iban IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "account_owner_institution_resource" ON "account" ("owner_id", "institution_id", "provider_account_id") WHERE iban IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "account" ADD CONSTRAINT "FK_account_institution" FOREIGN KEY ("institution_id") REFERENCES "institution"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account" DROP CONSTRAINT "FK_account_institution"`);
    await queryRunner.query(`DROP INDEX "public"."account_owner_institution_resource"`);
    await queryRunner.query(`DROP INDEX "public"."account_owner_institution_iban"`);
    await queryRunner.query(`ALTER TABLE "account" DROP COLUMN "institution_id"`);
  }
}
