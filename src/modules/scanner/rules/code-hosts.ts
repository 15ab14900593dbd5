/** @module scanner/rules/code-hosts — code hosts, package registries and developer platforms. */
import { defineRule } from './define.ts';
import type { Rule } from '../types.ts';

function prefixed(id: string, description: string, regex: RegExp, keywords: string[], tags: string[], entropy = 3): Rule {
  return defineRule({ id, description, regex, keywords, entropy, tags });
}

export function codeHostRules(): Rule[] {
  return [
    prefixed('github-pat', 'GitHub personal access token (classic).', /\b(ghp_[A-Za-z0-9]{36})\b/, ['ghp_'], ['github']),
    prefixed('github-oauth-token', 'GitHub OAuth access token.', /\b(gho_[A-Za-z0-9]{36})\b/, ['gho_'], ['github']),
    prefixed('github-app-token', 'GitHub App user-to-server or installation token.', /\b((?:ghu|ghs)_[A-Za-z0-9]{36})\b/, ['ghu_', 'ghs_'], ['github']),
    prefixed('github-refresh-token', 'GitHub refresh token.', /\b(ghr_[A-Za-z0-9]{36,76})\b/, ['ghr_'], ['github']),
    prefixed('github-fine-grained-pat', 'GitHub fine-grained personal access token.', /\b(github_pat_[A-Za-z0-9_]{82})\b/, ['github_pat_'], ['github']),
    prefixed(
      'gitlab-pat',
      'GitLab personal, project or group access token.',
      /\b(glpat-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)(?![0-9A-Za-z_-])/,
      ['glpat-'],
      ['gitlab'],
    ),
    prefixed('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token.', /\b(glptt-[0-9a-f]{40})\b/, ['glptt-'], ['gitlab']),
    prefixed(
      'gitlab-runner-registration-token',
      'GitLab runner registration token.',
      /\b(GR1348941[0-9A-Za-z_-]{20})(?![0-9A-Za-z_-])/,
      ['gr1348941'],
      ['gitlab'],
    ),
    prefixed('gitlab-runner-token', 'GitLab runner authentication token.', /\b(glrt-[0-9A-Za-z_-]{20,64})(?![0-9A-Za-z_-])/, ['glrt-'], ['gitlab']),
    prefixed('gitlab-deploy-token', 'GitLab deploy token.', /\b(gldt-[0-9A-Za-z_-]{20,64})(?![0-9A-Za-z_-])/, ['gldt-'], ['gitlab']),
    prefixed('bitbucket-app-password', 'Bitbucket app password / Atlassian app token.', /\b(ATBB[A-Za-z0-9_=.-]{32,64})(?![A-Za-z0-9_=.-])/, ['atbb'], ['bitbucket']),
    defineRule({
      id: 'bitbucket-client-secret',
      description: 'Bitbucket OAuth consumer secret next to its setting name.',
      regex: /bitbucket[\w.-]{0,20}?(?:secret|password)["']?\s{0,3}(?:=|:=|=>|:)\s{0,3}["']?([A-Za-z0-9_=-]{32,64})(?![A-Za-z0-9_=-])/i,
      keywords: ['bitbucket'],
      entropy: 3.5,
      tags: ['bitbucket'],
    }),
    prefixed('atlassian-api-token', 'Atlassian (Jira, Confluence) API token.', /\b(ATATT3[A-Za-z0-9_=-]{180,200})(?![A-Za-z0-9_=-])/, ['atatt3'], ['atlassian'], 3.5),
    prefixed('npm-access-token', 'npm access token.', /\b(npm_[A-Za-z0-9]{36})\b/, ['npm_'], ['npm', 'registry']),
    defineRule({
      id: 'npmrc-auth-token',
      description: 'Registry credential in an .npmrc line (//registry/:_authToken=…, _auth, _password).',
      regex: /\/\/[^\s:]{1,200}\/:_(?:authToken|auth|password)\s*=\s*["']?([A-Za-z0-9_.+/=-]{16,512})/,
      keywords: [':_authtoken', ':_auth', ':_password'],
      entropy: 3,
      tags: ['npm', 'registry'],
    }),
    prefixed(
      'pypi-upload-token',
      'PyPI or TestPyPI upload token.',
      /\b(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,300})(?![A-Za-z0-9_-])/,
      ['pypi-ageichlwas5vcmc', 'pypi-agendgvzdc5wexbplm9yzw'],
      ['pypi', 'registry'],
    ),
    prefixed('docker-hub-token', 'Docker Hub personal or organisation access token.', /\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32})(?![A-Za-z0-9_-])/, ['dckr_pat_', 'dckr_oat_'], ['docker', 'registry']),
    prefixed('rubygems-api-key', 'RubyGems API key.', /\b(rubygems_[a-f0-9]{48})\b/, ['rubygems_'], ['rubygems', 'registry']),
    prefixed('nuget-api-key', 'NuGet API key.', /\b(oy2[a-z0-9]{43})\b/, ['oy2'], ['nuget', 'registry'], 3.5),
    prefixed('crates-io-token', 'crates.io API token.', /\b(cio[a-zA-Z0-9]{32})\b/, ['cio'], ['crates', 'registry'], 3.5),
    prefixed('hugging-face-token', 'Hugging Face access token.', /\b(hf_[A-Za-z]{34})\b/, ['hf_'], ['huggingface'], 3.5),
    prefixed(
      'openai-api-key',
      'OpenAI API key (user, project, service-account or admin).',
      /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})(?![A-Za-z0-9_-])/,
      ['t3blbkfj'],
      ['openai'],
    ),
    prefixed('anthropic-api-key', 'Anthropic API or admin key.', /\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])/, ['sk-ant-'], ['anthropic']),
    prefixed('sonarqube-token', 'SonarQube / SonarCloud token.', /\b(sq[pua]_[a-f0-9]{40})\b/, ['sqp_', 'squ_', 'sqa_'], ['sonarqube']),
    prefixed('jfrog-api-key', 'JFrog Artifactory API key.', /\b(AKCp[A-Za-z0-9]{69})\b/, ['akcp'], ['jfrog', 'registry'], 3.5),
    prefixed('postman-api-key', 'Postman API key.', /\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b/, ['pmak-'], ['postman']),
    prefixed('buildkite-token', 'Buildkite API access token.', /\b(bkua_[a-f0-9]{40})\b/, ['bkua_'], ['buildkite']),
    prefixed('grafana-service-account-token', 'Grafana service-account token.', /\b(glsa_[A-Za-z0-9]{32}_[a-f0-9]{8})\b/, ['glsa_'], ['grafana']),
    prefixed('grafana-cloud-token', 'Grafana Cloud access policy token.', /\b(glc_[A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9+/=])/, ['glc_'], ['grafana'], 3.5),
  ];
}
