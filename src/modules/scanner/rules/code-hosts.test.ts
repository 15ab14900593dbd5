/** @module scanner/rules/code-hosts.test — every code-host and registry rule finds its positives and ignores its negatives. */
import { describeRuleCases } from '../testing/rule-cases.ts';
import { codeHostCases } from './code-hosts.cases.ts';

describeRuleCases('code-host and registry rules', codeHostCases);
