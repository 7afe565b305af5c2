import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Marks the pairs of a grouped payment withdrawn when the owner rejects one of them: rejected like it, but not
 * remembered as the owner's refusal, so the engine may propose them again when it re-runs the payment.
 */
export class WithdrawnMatches1764250000000 implements MigrationInterface {
  name = 'WithdrawnMatches1764250000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "match" ADD "withdrawn" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "match" DROP COLUMN "withdrawn"`);
  }
}
