import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../service.js';

export const refreshSession: MutationResolvers['refreshSession'] = (_root, { input }, ctx) => service.refreshSession(ctx, input.refreshToken);
