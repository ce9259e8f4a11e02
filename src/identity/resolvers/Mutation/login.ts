import type { MutationResolvers } from '../../../generated/graphql.js';
import * as service from '../../service.js';

export const login: MutationResolvers['login'] = (_root, { input }, ctx) => service.login(ctx, input);
