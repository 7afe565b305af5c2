import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `deleteConnection` hides a connection the owner no longer wants. The row stays, with its consents, as the dated
 * record of what the owner agreed to; the accounts stay too unless the owner asked to purge them.
 */
export class DeletedConnections1764220000000 implements MigrationInterface {
  name = 'DeletedConnections1764220000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "connection" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "connection" DROP COLUMN "deleted_at"`);
  }
}
