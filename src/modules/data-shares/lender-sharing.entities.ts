import { CategoryOverride } from '../categories/category-override.entity';
import { CategoryRule } from '../categories/category-rule.entity';
import { SigningKey } from '../signing/signing-key.entity';
import { DataShareAccess } from './data-share-access.entity';
import { DataShare } from './data-share.entity';

/** The tables of data shares, categories and signing keys. Apart from lender-sharing.ts so the schema can be printed without loading TypeORM entities' services. */
export const LENDER_SHARING_ENTITIES = [DataShare, DataShareAccess, SigningKey, CategoryRule, CategoryOverride];
