/** @module vendors/vendor-routes — placeholder until the module is written. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../composition.ts';

export function registerVendorRoutes(_app: FastifyInstance, _services: Services) {}
