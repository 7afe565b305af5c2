import type { FeatureModule } from '../feature-module';
import { AuditEvent } from './audit-event.entity';

export const auditModule: FeatureModule = {
  name: 'audit',
  entities: [AuditEvent],
  resolvers: [],
};
