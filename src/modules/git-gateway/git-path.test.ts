/** @module git-gateway/git-path.test — only the three smart-HTTP endpoints of a valid resource name get through. */
import { describe, expect, it } from 'vitest';
import { parseGitPath } from './git-path.ts';

describe('parseGitPath', () => {
  it('splits names with slashes from the endpoint and takes the service from the query of info/refs', () => {
    expect(parseGitPath('GET', '/git/payments/api.git/info/refs?service=git-upload-pack')).toEqual({
      ok: true, path: { name: 'payments/api', endpoint: 'info/refs', service: 'git-upload-pack' },
    });
    expect(parseGitPath('POST', '/git/app.git/git-receive-pack')).toEqual({
      ok: true, path: { name: 'app', endpoint: 'git-receive-pack', service: 'git-receive-pack' },
    });
  });

  it('refuses traversal, absolute and malformed names with 404, encodings with 400', () => {
    for (const url of ['/git/../etc.git/info/refs?service=git-upload-pack', '/git//etc/passwd.git/git-upload-pack', '/git/a/./b.git/git-upload-pack', '/git/A.git/git-upload-pack', '/git/x.git.git/git-upload-pack']) {
      expect(parseGitPath(url.includes('info/refs') ? 'GET' : 'POST', url), url).toMatchObject({ ok: false, status: 404 });
    }
    for (const url of ['/git/a%2fb.git/git-upload-pack', '/git/%2e%2e/x.git/git-upload-pack', '/git/a%00.git/git-upload-pack', '/git/a\\b.git/git-upload-pack']) {
      expect(parseGitPath('POST', url), url).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('serves neither the dumb protocol nor the wrong method', () => {
    expect(parseGitPath('GET', '/git/app.git/HEAD')).toMatchObject({ ok: false, status: 404 });
    expect(parseGitPath('GET', '/git/app.git/info/refs')).toMatchObject({ ok: false, status: 400 });
    expect(parseGitPath('GET', '/git/app.git/info/refs?service=git-upload-archive')).toMatchObject({ ok: false, status: 400 });
    expect(parseGitPath('GET', '/git/app.git/git-upload-pack')).toMatchObject({ ok: false, status: 405 });
    expect(parseGitPath('POST', '/git/app.git/info/refs?service=git-upload-pack')).toMatchObject({ ok: false, status: 405 });
  });
});
