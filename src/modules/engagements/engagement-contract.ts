/**
 * @module engagements/engagement-contract — the signed contract terms of an engagement (NDA, DPA,
 * IP ownership: the document's SHA-256, signer, date) and the optional signed documents, which
 * are accepted only when their bytes hash to the recorded SHA-256.
 */
import type { Clock } from '../../core/clock.ts';
import { changedFields } from '../../core/diff.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { loadForChange, loadVisible } from './engagement-access.ts';
import { latestDateOnEarth, sha256Hex, type ContractTerm } from './engagement-fns.ts';
import * as store from './engagement-store.ts';
import type { Engagement, EngagementDocument, SignTermInput } from './engagement-types.ts';

const SLUG: Record<ContractTerm, string> = { nda: 'nda', dpa: 'dpa', ipOwnership: 'ip-ownership' };
const SHORT: Record<ContractTerm, string> = { nda: 'NDA', dpa: 'DPA', ipOwnership: 'IP-ownership clause' };

export interface DocumentUpload {
  content: Buffer;
  contentType: string;
}

export interface ContractOperations {
  /** Record (or replace) a signed term; replacing is an audited change with from/to. */
  signTerm(actor: AnyActor, id: string, term: ContractTerm, input: SignTermInput): Promise<Engagement>;
  /** Store the signed document of a term; `created` is false when the same bytes were already stored. */
  uploadDocument(actor: AnyActor, id: string, term: ContractTerm, upload: DocumentUpload): Promise<{ document: EngagementDocument; created: boolean }>;
  /** The stored document matching the term's current hash, with its bytes. */
  getDocument(actor: AnyActor, id: string, term: ContractTerm): Promise<{ document: EngagementDocument; content: Buffer }>;
}

/**
 * The contract operations; part of the engagement service.
 * @example const ops = createContractOperations({ db, clock, audit }); await ops.signTerm(actor, id, 'nda', { sha256, signer, signedAt });
 */
export function createContractOperations(deps: { db: Database; clock: Clock; audit: AuditService }): ContractOperations {
  const { db, clock, audit } = deps;

  return {
    async signTerm(actor, id, term, input) {
      assertPermitted(actor, 'engagements.write');
      const latest = latestDateOnEarth(clock.now());
      if (input.signedAt > latest) throw new ValidationError('the signing date is in the future', [{ path: 'signedAt', message: `must not be after ${latest}` }]);
      return db.transaction(async (tx) => {
        const before = await loadForChange(tx, id);
        const previous = before.contract[term];
        const signed = { sha256: input.sha256, signer: input.signer, signedAt: input.signedAt };
        if (previous && previous.sha256 === signed.sha256 && previous.signer === signed.signer && previous.signedAt === signed.signedAt) return before;
        const after: Engagement = { ...before, contract: { ...before.contract, [term]: { ...signed, documentUploaded: false } }, updatedAt: clock.now() };
        await store.updateEngagementRow(tx, after);
        await audit.record(tx, actor, {
          type: 'engagement.contract_signed',
          outcome: 'success',
          target: { type: 'engagement', id },
          engagementId: id,
          details: {
            engagementId: id,
            term,
            ...signed,
            // A replaced record (e.g. a re-signed NDA after activation) says what it replaced.
            replaced: previous !== null,
            ...(previous ? { changes: changedFields(previous, { ...previous, ...signed }, ['sha256', 'signer', 'signedAt']) } : {}),
          },
        });
        // Re-read: an earlier upload may already match the new hash.
        return (await store.findEngagementById(tx, id))!;
      });
    },

    async uploadDocument(actor, id, term, upload) {
      assertPermitted(actor, 'engagements.write');
      if (upload.content.length === 0) throw new ValidationError('the document is empty', [{ path: 'body', message: 'send the signed document\'s bytes' }]);
      // Hash before taking the row lock: up to 20 MiB of work that needs no database.
      const sha256 = sha256Hex(upload.content);
      return db.transaction(async (tx) => {
        // Uploading evidence changes no term, so an ended engagement still accepts it.
        const e = await loadForChange(tx, id, { allowEnded: true });
        const recorded = e.contract[term];
        if (!recorded) {
          throw new ConflictError(
            `no signed ${SHORT[term]} is recorded for engagement "${e.name}" yet: record it first with ` +
              `PUT /api/v1/engagements/${id}/contract/${SLUG[term]} { sha256, signer, signedAt }, then upload the document with that SHA-256`,
          );
        }
        if (recorded.sha256 !== sha256) {
          throw new ConflictError(
            `this document's SHA-256 is ${sha256}, but the signed ${SHORT[term]} recorded for engagement "${e.name}" has ${recorded.sha256}; ` +
              'upload exactly the signed document, or record the new signature first',
          );
        }
        const existing = await store.findDocument(tx, id, term, sha256);
        if (existing) return { document: existing, created: false };
        const document: EngagementDocument = {
          term,
          sha256,
          size: upload.content.length,
          contentType: upload.contentType,
          uploadedAt: clock.now(),
          uploadedBy: actor.kind === 'person' ? actor.personId : null,
        };
        await store.insertDocument(tx, id, document, upload.content);
        await audit.record(tx, actor, {
          type: 'engagement.document_uploaded',
          outcome: 'success',
          target: { type: 'engagement', id },
          engagementId: id,
          details: { engagementId: id, term, sha256, size: document.size, contentType: document.contentType },
        });
        return { document, created: true };
      });
    },

    async getDocument(actor, id, term) {
      assertPermitted(actor, 'engagements.read');
      const e = await loadVisible(db, actor, id);
      const recorded = e.contract[term];
      if (!recorded) throw new NotFoundError(`no signed ${SHORT[term]} is recorded for this engagement`);
      const [document, content] = await Promise.all([
        store.findDocument(db, id, term, recorded.sha256),
        store.readDocumentContent(db, id, term, recorded.sha256),
      ]);
      if (!document || !content) throw new NotFoundError(`the signed ${SHORT[term]} (SHA-256 ${recorded.sha256}) has not been uploaded`);
      return { document, content };
    },
  };
}
