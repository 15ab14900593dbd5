/** @module scanner/rules/keys.test — every key and token rule finds its positives and ignores its negatives. */
import { describeRuleCases } from '../testing/rule-cases.ts';
import { keyCases } from './keys.cases.ts';

describeRuleCases('key and token rules', keyCases);
