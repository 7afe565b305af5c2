import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Counts reconciliation requests per owner, so a request absorbed by a run in progress is not lost. */
export class ReconciliationRequests1764120000000 implements MigrationInterface {
  name = 'ReconciliationRequests1764120000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "reconciliation_request" ("owner_id" uuid NOT NULL, "requested" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_662d2116ac28842e0c644e75872" PRIMARY KEY ("owner_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "reconciliation_request"`);
  }
}
