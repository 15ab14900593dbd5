import { describe, expect, it } from 'vitest';
import { githubSignature, verifyGithubSignature } from './github-signature.ts';

describe('GitHub webhook signatures', () => {
  it('match the example in GitHub\'s "Validating webhook deliveries"', () => {
    // Secret "It's a Secret to Everybody", payload "Hello, World!" (docs.github.com).
    expect(githubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'))).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('accept the right signature and refuse a wrong, missing, truncated or SHA-1 one', () => {
    const body = Buffer.from('{"action":"git.clone"}');
    const good = githubSignature('s3cret-s3cret-s3cret', body);
    expect(verifyGithubSignature('s3cret-s3cret-s3cret', body, good)).toBe(true);
    expect(verifyGithubSignature('s3cret-s3cret-s3cret', body, good.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifyGithubSignature('another-secret-entirely', body, good)).toBe(false);
    expect(verifyGithubSignature('s3cret-s3cret-s3cret', Buffer.from('{"action":"git.push"}'), good)).toBe(false);
    expect(verifyGithubSignature('s3cret-s3cret-s3cret', body, undefined)).toBe(false);
    expect(verifyGithubSignature('s3cret-s3cret-s3cret', body, good.slice(0, -2))).toBe(false);
    expect(verifyGithubSignature('s3cret-s3cret-s3cret', body, 'sha1=' + '0'.repeat(40))).toBe(false);
  });
});
