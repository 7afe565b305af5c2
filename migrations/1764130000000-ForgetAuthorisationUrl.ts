import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The bank's SCA link carries secrets in clear (a Berlin Group consent id in its path, the OAuth state in a STET
 * link), and nothing read it back after it was handed to the client: it is no longer stored.
 */
export class ForgetAuthorisationUrl1764130000000 implements MigrationInterface {
  name = 'ForgetAuthorisationUrl1764130000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "consent" DROP COLUMN "authorisation_url"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The links are gone for good; the column comes back empty for the rows that had one.
    await queryRunner.query(`ALTER TABLE "consent" ADD "authorisation_url" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "consent" ALTER COLUMN "authorisation_url" DROP DEFAULT`);
  }
}
