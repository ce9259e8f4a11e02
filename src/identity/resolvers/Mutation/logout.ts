import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../service.js';

export const logout: MutationResolvers['logout'] = async (_root, { input }, ctx) => ({ revoked: await service.logout(ctx, input.refreshToken) });
