import type { DataSource, Repository } from 'typeorm';
import { decodeCursor, toForwardConnection, type Connection } from '../../common/relay';
import { Institution } from './institution.entity';

export interface InstitutionQuery {
  country?: string | null;
  search?: string | null;
  first: number;
  after?: string | null;
}

export class InstitutionsService {
  private readonly institutions: Repository<Institution>;

  constructor(dataSource: DataSource) {
    this.institutions = dataSource.getRepository(Institution);
  }

  /** Institutions ordered by name, then id (a total order, so pages never skip or repeat a bank). */
  async list({ country, search, first, after }: InstitutionQuery): Promise<Connection<Institution>> {
    const query = this.institutions
      .createQueryBuilder('institution')
      .orderBy('institution.name')
      .addOrderBy('institution.id');
    if (country) query.andWhere('institution.country = :country', { country });
    if (search) {
      query.andWhere('(institution.name ILIKE :pattern OR institution.bic ILIKE :pattern)', {
        pattern: `%${escapeLike(search)}%`,
      });
    }
    if (after) {
      const [name, id] = decodeCursor(after, ['text', 'uuid']);
      query.andWhere('(institution.name, institution.id) > (:name, :id)', { name, id });
    }
    const rows = await query.take(first + 1).getMany();
    return toForwardConnection(rows, first, Boolean(after), (institution) => [institution.name, institution.id]);
  }
}

/** A search for "100%" looks for that text, not for every name starting with 100. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
