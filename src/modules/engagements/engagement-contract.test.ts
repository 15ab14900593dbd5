import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { MAX_DOCUMENT_BYTES } from './engagement-types.ts';
import { engagementHelpers, pathsOf, sha256, type Person } from './engagement.test-support.ts';

let t: TestApp;
let h: ReturnType<typeof engagementHelpers>;
let dev: Person;

/** Stand-ins for signed PDFs: real bytes, including ones that are not valid UTF-8. */
const ndaPdf = Buffer.concat([Buffer.from('%PDF-1.7\n% NDA signed by Dana Signer\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff]), Buffer.from('\n%%EOF\n')]);
const ndaV2 = Buffer.concat([ndaPdf, Buffer.from('% amended\n')]);
const ipBytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01, 0x02, 0x03]);

beforeAll(async () => {
  t = await createTestApp();
  h = engagementHelpers(t);
  dev = await h.developer(null);
});
afterAll(() => t.close());

describe('recording a signed contract term', () => {
  it('stores the hash (lowercased), signer and date, and writes engagement.contract_signed', async () => {
    const id = (await h.create({ name: 'NDA first' })).json().id;
    const res = await h.sign(id, 'nda', sha256(ndaPdf).toUpperCase(), 'Dana Signer, CEO', '2026-02-27');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().contract.nda).toEqual({ sha256: sha256(ndaPdf), signer: 'Dana Signer, CEO', signedAt: '2026-02-27', documentUploaded: false });
    const [event] = await h.events('engagement.contract_signed', id);
    expect(event?.details).toEqual({ engagementId: id, term: 'nda', sha256: sha256(ndaPdf), signer: 'Dana Signer, CEO', signedAt: '2026-02-27', replaced: false });
    expect((await h.sign(id, 'nda', sha256(ndaPdf), 'Dana Signer, CEO', '2026-02-27')).statusCode).toBe(200);
    expect(await h.events('engagement.contract_signed', id), 'the same record again is no change').toHaveLength(1);
  });

  it('names the IP-ownership term ipOwnership in the body and ip-ownership in the URL', async () => {
    const id = (await h.create({ name: 'IP' })).json().id;
    expect((await h.sign(id, 'ip-ownership', sha256(ipBytes))).json().contract.ipOwnership.sha256).toBe(sha256(ipBytes));
    expect((await h.events('engagement.contract_signed', id))[0]?.details.term).toBe('ipOwnership');
    expect(pathsOf(await h.admin({ method: 'PUT', url: `/api/v1/engagements/${id}/contract/ip_ownership`, payload: {} }))).toContain('params.term');
  });

  it('reports a malformed hash, an empty signer and a future or impossible date at their paths', async () => {
    const id = (await h.create({ name: 'Sloppy' })).json().id;
    expect(pathsOf(await h.sign(id, 'nda', 'abc123'))).toEqual(['body.sha256']);
    expect(pathsOf(await h.sign(id, 'nda', 'g'.repeat(64)))).toEqual(['body.sha256']);
    expect(pathsOf(await h.sign(id, 'nda', 'a'.repeat(64), '  '))).toEqual(['body.signer']);
    expect(pathsOf(await h.sign(id, 'nda', 'a'.repeat(64), 'X', '2026-02-29'))).toEqual(['body.signedAt']);
    // The test clock says 2026-03-02T10:00Z: it is just the 3rd in UTC+14, and nowhere yet the 4th.
    expect((await h.sign(id, 'nda', 'a'.repeat(64), 'X', '2026-03-03')).statusCode).toBe(200);
    const future = await h.sign(id, 'nda', 'a'.repeat(64), 'X', '2026-03-04');
    expect(future.statusCode).toBe(400);
    expect(pathsOf(future)).toEqual(['signedAt']);
  });

  it('replaces a term of an active engagement only as an audited change from one record to the other', async () => {
    const id = (await h.create({ name: 'Re-signed' })).json().id;
    await h.signAll(id);
    const old = (await h.admin({ url: `/api/v1/engagements/${id}` })).json().contract.nda;
    await h.action(id, 'activate');
    const res = await h.sign(id, 'nda', sha256(ndaV2), 'Dana Signer', '2026-03-01');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'active', contract: { nda: { sha256: sha256(ndaV2), signedAt: '2026-03-01' } } });
    const events = await h.events('engagement.contract_signed', id);
    expect(events.at(-1)?.details).toMatchObject({
      term: 'nda',
      sha256: sha256(ndaV2),
      replaced: true,
      changes: { sha256: { from: old.sha256, to: sha256(ndaV2) }, signedAt: { from: old.signedAt, to: '2026-03-01' } },
    });
  });
});

describe('uploading a signed document', () => {
  it('refuses a document before its term is recorded, and says what to do', async () => {
    const id = (await h.create({ name: 'Too early' })).json().id;
    const res = await h.upload(id, 'nda', ndaPdf);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/no signed NDA is recorded .* record it first with PUT \/api\/v1\/engagements\/.*\/contract\/nda/);
  });

  it('refuses bytes whose SHA-256 is not the recorded one, quoting both hashes', async () => {
    const id = (await h.create({ name: 'Wrong file' })).json().id;
    await h.sign(id, 'nda', sha256(ndaPdf));
    const res = await h.upload(id, 'nda', ndaV2);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain(sha256(ndaV2));
    expect(res.json().detail).toContain(sha256(ndaPdf));
    expect(await h.events('engagement.document_uploaded', id)).toHaveLength(0);
    expect((await h.admin({ url: `/api/v1/engagements/${id}` })).json().contract.nda.documentUploaded).toBe(false);
  });

  it('stores matching bytes (201, engagement.document_uploaded) and serves them back as an attachment', async () => {
    const id = (await h.create({ name: 'Right file', developerIds: [dev.id] })).json().id;
    await h.sign(id, 'nda', sha256(ndaPdf));
    const res = await h.upload(id, 'nda', ndaPdf, 'application/pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ term: 'nda', sha256: sha256(ndaPdf), size: ndaPdf.length, contentType: 'application/pdf' });
    expect(await h.events('engagement.document_uploaded', id)).toMatchObject([{ details: { engagementId: id, term: 'nda', sha256: sha256(ndaPdf), size: ndaPdf.length } }]);
    expect((await h.admin({ url: `/api/v1/engagements/${id}` })).json().contract.nda.documentUploaded).toBe(true);

    const again = await h.upload(id, 'nda', ndaPdf);
    expect(again.statusCode, 'the same bytes again are no change').toBe(200);
    expect(await h.events('engagement.document_uploaded', id)).toHaveLength(1);

    const download = await t.call(dev.token, { url: `/api/v1/engagements/${id}/documents/nda` });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="${id}-nda.pdf"`);
    expect(download.rawPayload.equals(ndaPdf)).toBe(true);
  });

  it('keeps the content type it was given', async () => {
    const id = (await h.create({ name: 'Opaque' })).json().id;
    await h.sign(id, 'ip-ownership', sha256(ipBytes));
    expect((await h.upload(id, 'ip-ownership', ipBytes, 'application/octet-stream')).statusCode).toBe(201);
    const download = await h.admin({ url: `/api/v1/engagements/${id}/documents/ip-ownership` });
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toMatch(/ip-ownership\.bin"$/);
    expect(download.rawPayload.equals(ipBytes)).toBe(true);
  });

  it('stops serving the old document once the term is re-signed with another hash', async () => {
    const id = (await h.create({ name: 'Superseded' })).json().id;
    await h.sign(id, 'nda', sha256(ndaPdf));
    await h.upload(id, 'nda', ndaPdf);
    const resigned = await h.sign(id, 'nda', sha256(ndaV2));
    expect(resigned.json().contract.nda.documentUploaded).toBe(false);
    expect((await h.admin({ url: `/api/v1/engagements/${id}/documents/nda` })).statusCode).toBe(404);
    expect((await h.upload(id, 'nda', ndaPdf)).statusCode).toBe(409);
    expect((await h.upload(id, 'nda', ndaV2)).statusCode).toBe(201);
    expect((await h.admin({ url: `/api/v1/engagements/${id}/documents/nda` })).rawPayload.equals(ndaV2)).toBe(true);
  });

  it('refuses JSON, text and empty bodies with 400, and more than 20 MiB with 413', async () => {
    const id = (await h.create({ name: 'Bad bodies' })).json().id;
    await h.sign(id, 'dpa', sha256(ndaPdf));
    const json = await h.admin({ method: 'PUT', url: `/api/v1/engagements/${id}/documents/dpa`, payload: { sha256: sha256(ndaPdf) } });
    expect(json.statusCode).toBe(400);
    expect(json.json().errors[0].message).toMatch(/application\/pdf or application\/octet-stream/);
    expect((await h.upload(id, 'dpa', Buffer.from('hello'), 'text/plain')).statusCode).toBe(400);
    expect((await h.upload(id, 'dpa', Buffer.from('<x/>'), 'application/xml')).statusCode, 'a type no parser knows').toBe(415);
    expect((await h.upload(id, 'dpa', Buffer.alloc(0))).statusCode).toBe(400);
    const tooBig = await h.upload(id, 'dpa', Buffer.alloc(MAX_DOCUMENT_BYTES + 1));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.headers['content-type']).toMatch(/problem\+json/);
  });

  it('accepts a document of exactly 20 MiB', async () => {
    const id = (await h.create({ name: 'Big scan' })).json().id;
    const big = Buffer.alloc(MAX_DOCUMENT_BYTES, 0x25);
    await h.sign(id, 'dpa', sha256(big));
    const res = await h.upload(id, 'dpa', big);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().size).toBe(MAX_DOCUMENT_BYTES);
  });

  it('still accepts the document of an ended engagement, as evidence', async () => {
    const id = (await h.create({ name: 'Archive copy' })).json().id;
    await h.sign(id, 'nda', sha256(ndaPdf));
    await h.action(id, 'end');
    expect((await h.upload(id, 'nda', ndaPdf)).statusCode).toBe(201);
  });
});

describe('downloading a document', () => {
  it('answers 404 when no term is recorded or no document uploaded', async () => {
    const id = (await h.create({ name: 'Nothing yet' })).json().id;
    const none = await h.admin({ url: `/api/v1/engagements/${id}/documents/dpa` });
    expect(none.statusCode).toBe(404);
    expect(none.json().detail).toMatch(/no signed DPA is recorded/);
    await h.sign(id, 'dpa', sha256(ndaPdf));
    expect((await h.admin({ url: `/api/v1/engagements/${id}/documents/dpa` })).json().detail).toMatch(/has not been uploaded/);
  });

  it('answers 404 to a developer who is not on the engagement', async () => {
    const stranger = await h.developer(null);
    const id = (await h.create({ name: 'Private contract', developerIds: [dev.id] })).json().id;
    await h.sign(id, 'nda', sha256(ndaPdf));
    await h.upload(id, 'nda', ndaPdf);
    expect((await t.call(stranger.token, { url: `/api/v1/engagements/${id}/documents/nda` })).statusCode).toBe(404);
    expect((await t.call(dev.token, { url: `/api/v1/engagements/${id}/documents/nda` })).statusCode).toBe(200);
  });
});
