import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox is swept after a retention period; `outbox_horizon` remembers how far, so a cursor older than the sweep
 * is refused (CURSOR_EXPIRED) rather than silently resumed past the deleted events. The sweep deletes by sequence,
 * so an index on the creation date finds the cut-off without reading the table.
 */
export class OutboxRetention1764230000000 implements MigrationInterface {
  name = 'OutboxRetention1764230000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_horizon" ("id" boolean NOT NULL DEFAULT true, "expired_through" bigint NOT NULL DEFAULT '0', CONSTRAINT "outbox_horizon_single_row" CHECK ("id"), CONSTRAINT "PK_outbox_horizon" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`INSERT INTO "outbox_horizon" ("id", "expired_through") VALUES (true, 0)`);
    await queryRunner.query(`CREATE INDEX "outbox_batch_created_at" ON "outbox_batch" ("created_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."outbox_batch_created_at"`);
    await queryRunner.query(`DROP TABLE "outbox_horizon"`);
  }
}
