/** @module scanner/rules/palisade.cases — examples for Palisade's own tokens. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const palisadeCases: RuleCases[] = [
  {
    rule: 'palisade-api-token',
    positive: [{ text: 'export PALISADE_TOKEN=«{palisade}»', path: 'ci/deploy.sh' }],
    // Right shape, wrong checksum: a typo or a made-up value, not a token.
    negative: [{ text: 'export PALISADE_TOKEN=pal_{alnum:49}', path: 'ci/deploy.md' }],
  },
];
