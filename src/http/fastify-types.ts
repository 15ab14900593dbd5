/** @module http/fastify-types — what Palisade adds to Fastify's request and route config types. */
import type { Actor } from '../modules/auth/actor.ts';
import type { Permission } from '../modules/auth/permissions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller's role must hold; every /api/v1 route has one unless `public`. */
    permission?: Permission;
    /** Answers without authentication (health, OpenAPI document). */
    public?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** `performance.now()` when authentication began: before any read made for this request. */
    arrivedAt: number;
  }
}

export {};
