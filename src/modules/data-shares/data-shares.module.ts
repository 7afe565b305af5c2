import type { FeatureModule } from '../feature-module';
import { resolver } from '../feature-module';
import { LENDER_SHARING_ENTITIES } from './lender-sharing.entities';
import { LENDER_SHARING_RESOLVERS } from './lender-sharing';

/**
 * Shares, categories, the cash flow, signing and API keys are built together at start (the first signing key is made
 * then), so each resolver's instance comes from that one LenderSharing.
 */
export const dataSharesModule: FeatureModule = {
  name: 'data-shares',
  entities: LENDER_SHARING_ENTITIES,
  resolvers: LENDER_SHARING_RESOLVERS.map((type) =>
    resolver(type as new () => object, ({ lenderSharing }) => lenderSharing.resolverFor(type)),
  ),
};
