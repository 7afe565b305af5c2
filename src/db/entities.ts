import { Institution } from '../modules/institutions/institution.entity';
import { ApiKey } from '../modules/principals/api-key.entity';
import { Principal } from '../modules/principals/principal.entity';

/** Every TypeORM entity, in one list for the DataSource and the migration drift check. */
export const entities = [Principal, ApiKey, Institution];
