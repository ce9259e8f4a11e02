import { requireViewer } from '../../../context.js';
import type { QueryResolvers } from '../../../generated/graphql.js';
import * as service from '../../drug-vocabulary-service.js';

export const resolveDrugName: QueryResolvers['resolveDrugName'] = (_root, { name }, ctx) => service.resolveDrugName(requireViewer(ctx), name);
