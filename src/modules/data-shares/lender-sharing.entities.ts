import { CategoryOverride } from '../categories/category-override.entity';
import { CategoryRule } from '../categories/category-rule.entity';
import { SigningKey } from '../signing/signing-key.entity';
import { DataShareAccess } from './data-share-access.entity';
import { DataShare } from './data-share.entity';

/**
 * The tables of data shares, categories and signing keys. Apart from lender-sharing.ts because the DataSource loads
 * this list: importing the resolvers and services there would make db/ depend on the whole feature.
 */
export const LENDER_SHARING_ENTITIES = [DataShare, DataShareAccess, SigningKey, CategoryRule, CategoryOverride];
